using MuseumSync.Jobs;

namespace MuseumSync.Run;

/// <summary>
/// The range of every setting that is both a cmdlet parameter (<c>Invoke-MuseumPoll</c>, <c>Sync-MuseumRecord</c>,
/// <c>Submit-MuseumSync</c>) and a <c>sync.psd1</c> source key, written once: the parameters' <c>[ValidateRange]</c> and
/// the config keys' table (SettingKeys in the module) both read these, and a test checks that they still agree.
/// </summary>
internal sealed partial class SyncSettings
{
    public const int PageSizeMin = 1, PageSizeMax = 100_000;
    public const int MaxPagesMin = 1, MaxPagesMax = int.MaxValue;
    public const int MaxEmptyPagesMin = 1, MaxEmptyPagesMax = 1_000_000;
    public const int MaxRetriesMin = 0, MaxRetriesMax = 100;
    public const int TimeoutSecMin = 1, TimeoutSecMax = 86_400;
    public const int RunTimeoutSecMin = 1, RunTimeoutSecMax = int.MaxValue;
    public const long MaxPageBytesMin = 64L * 1024, MaxPageBytesMax = long.MaxValue;
    public const int MaxRecordBytesMin = 1024, MaxRecordBytesMax = 1024 * 1024 * 1024;
    public const int PageTimeoutSecMin = 1, PageTimeoutSecMax = 86_400;
    public const int ThrottleLimitMin = 1, ThrottleLimitMax = 256;
    public const double RequestsPerSecondMin = 0.001, RequestsPerSecondMax = 100_000.0;
    public const int RequestLimitMin = 1, RequestLimitMax = 10_000_000;
    public const double RequestWindowSecMin = 0.001, RequestWindowSecMax = 31_622_400.0;
    public const long DailyRequestBudgetMin = 1L, DailyRequestBudgetMax = 100_000_000L;
    public const int CircuitBreakSecMin = 1, CircuitBreakSecMax = 86_400;
    public const int ThrottleCooldownSecMin = 0, ThrottleCooldownSecMax = 3600;
    public const int BatchSizeMin = 1, BatchSizeMax = 1_000_000;
    public const long MaxBatchBytesMin = 1024L, MaxBatchBytesMax = 64L * 1024 * 1024 * 1024;
    public const int IdsPerJobMin = 1, IdsPerJobMax = JobOptions.MaxIdsPerJob;
    public const int WindowDaysMin = 1, WindowDaysMax = JobOptions.MaxWindowDays;
    public const int LeaseTimeoutSecMin = 5, LeaseTimeoutSecMax = 86_400;
    public const int MaxInvalidWarningsMin = 0, MaxInvalidWarningsMax = 1_000_000;
    public const double MaxDeletePercentMin = 0.0, MaxDeletePercentMax = 100.0;
}
