namespace MuseumSync.Resilience;

/// <summary>What a response said about the quota: the limit, what is left, and when the window resets.</summary>
/// <param name="Limit">Requests allowed per window, when the server says.</param>
/// <param name="Remaining">Requests left in this window, when the server says.</param>
/// <param name="ResetAfter">Time until the window resets, measured from when the response arrived.</param>
internal readonly record struct RateLimitInfo(long? Limit, long? Remaining, TimeSpan? ResetAfter);
