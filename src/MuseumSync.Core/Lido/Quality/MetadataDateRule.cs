using MuseumSync.Validation;

namespace MuseumSync.Lido.Quality;

/// <summary><c>metadata-date</c>: <c>lido:recordMetadataDate</c> is an ISO 8601 date or date-time.</summary>
internal sealed class MetadataDateRule : LidoQualityRule
{
    private static readonly LidoRuleInfo s_info = new("metadata-date", LidoSeverity.Warning,
        "lido:recordMetadataDate is an ISO 8601 date or date-time (2019-10-01 or 2019-10-01T14:08:23Z).");

    public override LidoRuleInfo Info => s_info;

    public override void End(LidoElement element, string text, LidoFindings findings)
    {
        if (element.Is("recordMetadataDate") && text.Length > 0 && !IsoDate.IsDateOrDateTime(text))
        {
            findings.Add(s_info, element, $"lido:recordMetadataDate '{(text.Length > 40 ? text[..40] + "…" : text)}' is not an ISO 8601 date or date-time. Write 2019-10-01 or 2019-10-01T14:08:23Z.");
        }
    }
}
