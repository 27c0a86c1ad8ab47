using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Runtime.CompilerServices;
using MuseumSync.Profiles;

namespace MuseumSync.PowerShell.Completion;

/// <summary>Completes <c>-Profile</c> with the built-in source profiles (Met, ArtInstituteOfChicago, …), each with its description as the tooltip.</summary>
public sealed class ProfileCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            return CompletionText.Complete(wordToComplete, Profiles());
        }
#pragma warning disable CA1031 // A completer must never throw: no completions instead.
        catch (Exception)
#pragma warning restore CA1031
        {
            return [];
        }
    }

    // MuseumSync.Core is loaded (into the module's load context) when this is compiled, not when the completer is created.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static List<KeyValuePair<string, string>> Profiles() =>
        SourceProfiles.All.Select(p => new KeyValuePair<string, string>(p.Name, $"{p.Name}: {p.Description}")).ToList();
}
