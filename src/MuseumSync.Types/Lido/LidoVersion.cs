namespace MuseumSync.Lido;

/// <summary>A version of the LIDO schema. Both share the namespace <c>http://www.lido-schema.org</c>.</summary>
public enum LidoVersion
{
    /// <summary>LIDO 1.0 (2010).</summary>
    Lido10 = 10,

    /// <summary>LIDO 1.1 (2021), the default.</summary>
    Lido11 = 11,
}

/// <summary>Text forms of <see cref="LidoVersion"/>.</summary>
public static class LidoVersions
{
    /// <summary>"1.0" or "1.1".</summary>
    public static string ToText(this LidoVersion version) => version == LidoVersion.Lido10 ? "1.0" : "1.1";

    /// <summary>The XSD file name of the version: <c>lido-v1.1.xsd</c>.</summary>
    public static string SchemaFileName(this LidoVersion version) => $"lido-v{version.ToText()}.xsd";

    /// <summary>Parses "1.0", "1.1", "v1.1", "Lido11".</summary>
    public static bool TryParse(string? text, out LidoVersion version)
    {
        version = LidoVersion.Lido11;
        switch (Normalize(text))
        {
            case "1.0":
                version = LidoVersion.Lido10;
                return true;
            case "1.1":
                return true;
            default:
                return false;
        }
    }

    private static string? Normalize(string? text)
    {
        var t = text?.Trim();
        if (t is null) return null;
        if (t.StartsWith("Lido", StringComparison.OrdinalIgnoreCase)) t = t[4..];
        t = t.TrimStart('v', 'V');
        return t switch { "10" => "1.0", "11" => "1.1", _ => t };
    }
}
