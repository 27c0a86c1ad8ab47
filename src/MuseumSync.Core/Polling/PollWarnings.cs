namespace MuseumSync.Polling;

/// <summary>Which of the poller's log lines are warnings (the rest are verbose): a cmdlet writes those to the warning stream.</summary>
public static class PollWarnings
{
    /// <summary>The start of an OAI-PMH warning line.</summary>
    internal const string OaiPrefix = "OAI-PMH warning:";

    /// <summary>True for a line an administrator must see: a circuit that opened, an OAI-PMH repository that breaks its own declarations.</summary>
    public static bool IsWarning(string line) =>
        line is not null && (line.StartsWith("circuit opened", StringComparison.Ordinal) || line.StartsWith(OaiPrefix, StringComparison.Ordinal));
}
