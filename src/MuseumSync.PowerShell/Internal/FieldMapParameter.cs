using System.Collections;

namespace MuseumSync.PowerShell.Internal;

/// <summary>Applies <c>-FieldMap @{ ObjectId = 'objectID'; Title = 'title' }</c> over a profile's map.</summary>
internal static class FieldMapParameter
{
    /// <summary>The hashtable's entries as (field, expression) pairs for <see cref="Run.SyncSettings.FieldMap"/>.</summary>
    public static IReadOnlyList<KeyValuePair<string, string?>> Pairs(Hashtable overrides)
    {
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
        return pairs;
    }
}
