using System.Collections;
using MuseumSync.Mapping;

namespace MuseumSync.PowerShell.Internal;

/// <summary>Applies <c>-FieldMap @{ ObjectId = 'objectID'; Title = 'title' }</c> over a profile's map.</summary>
internal static class FieldMapParameter
{
    public static FieldMap Apply(FieldMap baseMap, Hashtable? overrides)
    {
        if (overrides is null || overrides.Count == 0) return baseMap;
        var pairs = new List<KeyValuePair<string, string?>>();
        foreach (DictionaryEntry e in overrides)
        {
            var key = e.Key?.ToString() ?? string.Empty;
            var value = e.Value switch
            {
                null => null,
                System.Management.Automation.PSObject p => p.BaseObject?.ToString(),
                var v => v.ToString(),
            };
            pairs.Add(new(key, value));
        }
        try
        {
            return baseMap.With(pairs);
        }
        catch (FormatException ex)
        {
            throw new ArgumentException($"-FieldMap: {ex.Message}", ex);
        }
    }
}
