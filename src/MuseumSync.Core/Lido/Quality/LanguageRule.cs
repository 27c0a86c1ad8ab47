namespace MuseumSync.Lido.Quality;

/// <summary><c>language</c>: every <c>xml:lang</c> is a BCP 47 tag whose language is a real ISO 639 code.</summary>
internal sealed class LanguageRule : LidoQualityRule
{
    private static readonly LidoRuleInfo s_info = new("language", LidoSeverity.Error,
        "Every xml:lang is a BCP 47 language tag with a real ISO 639 language code (de, deu, en-GB), not a name such as 'deutsch'.");

    public override LidoRuleInfo Info => s_info;

    public override void Start(LidoElement element, LidoFindings findings)
    {
        if (element.XmlLang is { Length: > 0 } lang && !LanguageTag.IsValid(lang.Trim(), out var problem))
        {
            findings.Add(s_info, element, $"xml:lang '{lang}' on {element.Name} {problem}.");
        }
    }
}
