namespace MuseumSync.Polling;

/// <summary>The poller's warning lines (they go to the poller's warning callback, which a cmdlet writes to the warning stream).</summary>
internal static class PollWarnings
{
    /// <summary>The start of an OAI-PMH warning line.</summary>
    internal const string OaiPrefix = "OAI-PMH warning:";
}
