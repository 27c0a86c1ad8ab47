namespace MuseumSync.Lido;

/// <summary>Makes .NET's XSD messages shorter (no namespace noise) and adds what to do.</summary>
internal static class XsdMessage
{
    public static string Clean(string message)
    {
        var m = message
            .Replace($" in namespace '{LidoNames.Namespace}'", string.Empty, StringComparison.Ordinal)
            .Replace($"'{LidoNames.Namespace}:", "'lido:", StringComparison.Ordinal)
            .Replace($"{{{LidoNames.Namespace}}}", "lido:", StringComparison.Ordinal)
            .Trim();
        if (m.Contains("has invalid child element", StringComparison.Ordinal))
        {
            return m + " Put the elements in the order the LIDO schema defines (the expected element comes first), or remove the one that does not belong there.";
        }
        if (m.Contains("has incomplete content", StringComparison.Ordinal))
        {
            return m + " Add the missing element.";
        }
        if (m.Contains("attribute is not declared", StringComparison.Ordinal))
        {
            return m + " Remove the attribute or correct its name and namespace.";
        }
        if (m.Contains("is not declared", StringComparison.Ordinal))
        {
            return m + " Check the element's name and namespace (http://www.lido-schema.org).";
        }
        return m;
    }
}
