namespace MuseumSync.Jobs.Dashboard;

/// <summary>The dashboard could not listen (the port is taken, or the system refused it); the message says what to do.</summary>
internal sealed class DashboardStartException(string message, Exception? inner = null) : Exception(message, inner);
