using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using MuseumSync.PowerShell.Internal;

namespace MuseumSync.PowerShell.Completion;

/// <summary>Completes Invoke-MuseumSync's <c>-Source</c> with the source names of the config file given by <c>-ConfigPath</c> (read as data, never run).</summary>
public sealed class ConfigSourceCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var raw = fakeBoundParameters?.Contains("ConfigPath") == true ? fakeBoundParameters["ConfigPath"] : null;
            if ((raw is PSObject pso ? pso.BaseObject : raw) is not string path || string.IsNullOrWhiteSpace(path)) return [];
            var data = DataFile.Read(StoreArguments.ResolvePath(path), "The sync config file", "@{ … }", (m, e) => new InvalidDataException(m, e));
            var names = new List<KeyValuePair<string, string>>();
            foreach (var s in (SyncConfig.SourceEntries(data) ?? []).OfType<IDictionary>())
            {
                if (SyncConfig.Get(s, "Name") is not string name) continue;
                var where = SyncConfig.Get(s, "Uri") as string ?? SyncConfig.Get(s, "Profile") as string ?? SyncConfig.Get(s, "Path") as string ?? string.Empty;
                var off = SyncConfig.Get(s, "Enabled") is { } e && !LanguagePrimitives.IsTrue(e);
                names.Add(new(name, $"{name}: {where}{(off ? " (disabled)" : string.Empty)}"));
            }
            return CompletionText.Complete(wordToComplete, names);
        }
#pragma warning disable CA1031 // A completer must never throw: no completions instead.
        catch (Exception)
#pragma warning restore CA1031
        {
            return [];
        }
    }
}
