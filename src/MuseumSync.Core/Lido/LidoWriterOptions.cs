namespace MuseumSync.Lido;

/// <summary>How <see cref="LidoWriter"/> fills what a <see cref="MuseumRecord"/> does not carry but LIDO requires.</summary>
internal sealed class LidoWriterOptions
{
    /// <summary>The work type written to <c>lido:objectWorkType/lido:term</c> (LIDO requires one; a MuseumRecord has none). The default is "Object".</summary>
    public string WorkType { get; init; } = "Object";

    /// <summary>The language of the work type term (<c>xml:lang</c>). The default is "en".</summary>
    public string WorkTypeLanguage { get; init; } = "en";

    /// <summary>
    /// The language of the descriptive and administrative metadata (<c>xml:lang</c>, required by LIDO). The default is
    /// "und" (undetermined, ISO 639-2): titles arrive in any language and MuseumSync does not guess.
    /// </summary>
    public string Language { get; init; } = "und";

    /// <summary>Whether the XML is indented. The default is true.</summary>
    public bool Indent { get; init; } = true;

    /// <summary>Throws when a value is unusable.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(WorkType)) throw new ArgumentException("The work type cannot be empty; LIDO requires one (for example 'Object' or 'Painting').", nameof(WorkType));
        if (!LanguageTag.IsValid(Language, out var problem)) throw new ArgumentException($"The language '{Language}' {problem}.", nameof(Language));
        if (!LanguageTag.IsValid(WorkTypeLanguage, out problem)) throw new ArgumentException($"The work type language '{WorkTypeLanguage}' {problem}.", nameof(WorkTypeLanguage));
    }
}
