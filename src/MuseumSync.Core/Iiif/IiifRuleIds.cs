namespace MuseumSync.Iiif;

/// <summary>The rule ids <see cref="IiifValidator"/> reports.</summary>
internal static class IiifRuleIds
{
    /// <summary>The text is not JSON, or not a JSON object.</summary>
    public const string Json = "json";

    /// <summary>The document is Presentation 2.x or 4.0, not 3.0.</summary>
    public const string Version = "presentation-version";

    /// <summary><c>@context</c> is missing or wrong.</summary>
    public const string Context = "context";

    /// <summary>A required property is missing.</summary>
    public const string Required = "required";

    /// <summary><c>id</c> is not an http(s) URI.</summary>
    public const string Id = "id";

    /// <summary><c>type</c> is not the one the place requires.</summary>
    public const string Type = "type";

    /// <summary>A value has the wrong JSON type (a string where an array belongs, …).</summary>
    public const string Shape = "value-type";

    /// <summary>A property the class does not allow.</summary>
    public const string UnknownProperty = "unknown-property";

    /// <summary>A language map (<c>label</c>, <c>summary</c>, metadata) is malformed.</summary>
    public const string LanguageMap = "language-map";

    /// <summary>Canvas (or resource) width, height or duration is missing or not positive.</summary>
    public const string Dimensions = "canvas-dimensions";

    /// <summary><c>rights</c> is not a Creative Commons or RightsStatements.org URI in its http form.</summary>
    public const string Rights = "rights";

    /// <summary>A <c>behavior</c> value is not one of the Presentation 3.0 behaviors.</summary>
    public const string Behavior = "behavior";

    /// <summary><c>viewingDirection</c> is not one of the four directions.</summary>
    public const string ViewingDirection = "viewing-direction";

    /// <summary><c>navDate</c> is not an xsd:dateTime with a time zone.</summary>
    public const string NavDate = "nav-date";

    /// <summary><c>format</c> is not a media type.</summary>
    public const string Format = "format";

    /// <summary>An item, annotation page, annotation, body, target or selector is not what that place allows.</summary>
    public const string Structure = "structure";

    /// <summary>A service is malformed.</summary>
    public const string Service = "service";
}
