using System.Globalization;
using MuseumSync.Polling;

namespace MuseumSync.Resilience;

/// <summary>
/// The pace of one source: the client-side budget first, then the server's quota as its headers report it. Every
/// request passes here before it is sent and reports its response (or failure) afterwards.
/// </summary>
internal sealed class RateGate
{
    private readonly RateLimitOptions _options;
    private readonly ClientBudget? _budget;
    private readonly SharedRequestBudget? _shared;
    private readonly HeaderQuota? _quota;
    private readonly TimeProvider _time;
    private readonly Action<string>? _log;
    private readonly PollStatistics _stats;

    public RateGate(RateLimitOptions options, TimeProvider time, Action<string>? log, PollStatistics stats)
    {
        _options = options;
        _shared = options.Shared;
        _budget = _shared is { SharesPace: true } ? null : ClientBudget.From(options);
        _quota = options.UseResponseHeaders ? new HeaderQuota(options.RollingWindow) : null;
        _time = time;
        _log = log;
        _stats = stats;
    }

    /// <summary>Waits until a request may start; returns its ticket for <see cref="Complete"/>.</summary>
    public ValueTask<long> AcquireAsync(string correlationId, Uri url, CancellationToken cancellationToken)
    {
        // The usual request waits for nothing: no budget to pace by, and the quota (if any) admits it at once. That path
        // is not async, so its state machine is neither run nor compiled once per page (issue #18).
        if (_shared is null && _budget is null) return AdmitAsync(correlationId, url, cancellationToken);
        return AcquireAfterBudgetsAsync(correlationId, url, cancellationToken);
    }

    /// <summary>The quota's ticket (-1 without a quota): at once when it admits the request, else after its wait.</summary>
    private ValueTask<long> AdmitAsync(string correlationId, Uri url, CancellationToken cancellationToken)
    {
        if (_quota is null) return new ValueTask<long>(-1L);
        return _quota.TryAdmit(_time.GetUtcNow(), out var ticket, out var wait)
            ? new ValueTask<long>(ticket)
            : WaitForQuotaAsync(correlationId, url, wait, cancellationToken);
    }

    private async ValueTask<long> AcquireAfterBudgetsAsync(string correlationId, Uri url, CancellationToken cancellationToken)
    {
        if (_shared is not null)
        {
            // The request starts at its slot, not after it: one the timer woke too late for is let go and the next taken.
            while (true)
            {
                var slot = await _shared.TakeSlotAsync(url, correlationId, cancellationToken).ConfigureAwait(false);
                var wait = slot - _time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    _stats.BudgetWait(wait);
                    if (wait >= TimeSpan.FromMilliseconds(250))
                    {
                        _log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"shared request budget: waiting {wait.TotalMilliseconds:0} ms for the next start slot; correlation {correlationId}"));
                    }
                    await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
                }
                if (_shared.IsPunctual(slot)) break;
            }
        }
        if (_budget is not null)
        {
            var wait = _budget.Reserve(_time.GetUtcNow());
            if (wait > TimeSpan.Zero)
            {
                _stats.BudgetWait(wait);
                if (wait >= TimeSpan.FromMilliseconds(250))
                {
                    _log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"client budget ({_budget.Limit} per {_budget.Window.TotalSeconds:0.###} s): waiting {wait.TotalMilliseconds:0} ms; correlation {correlationId}"));
                }
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        return await AdmitAsync(correlationId, url, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The quota refused a start that would have come after <paramref name="wait"/>: waits and asks again until it admits one.</summary>
    private async ValueTask<long> WaitForQuotaAsync(string correlationId, Uri url, TimeSpan wait, CancellationToken cancellationToken)
    {
        var quota = _quota!;
        while (true)
        {
            var pacing = quota.Spacing > TimeSpan.Zero;
            if (wait > _options.MaxQuotaWait && pacing)
            {
                throw new MuseumPollException(
                    string.Create(CultureInfo.InvariantCulture, $"The rolling quota of {Http.UrlMasker.Mask(url)} is nearly spent ({quota.Allowance} requests left in its {_options.RollingWindow?.TotalMinutes:0.#}-minute window): the next request would wait {wait.TotalMinutes:0.#} minutes, longer than the {_options.MaxQuotaWait.TotalMinutes:0.#} minutes a run waits (correlation {correlationId}). Run again later; the sync resumes from its checkpoint."),
                    "MuseumPollQuotaExhausted", isTransient: true, url, 429, correlationId);
            }
            if (wait > _options.MaxQuotaWait)
            {
                throw new MuseumPollException(
                    string.Create(CultureInfo.InvariantCulture, $"The quota of {Http.UrlMasker.Mask(url)} is spent and resets in {wait.TotalMinutes:0.#} minutes, longer than the {_options.MaxQuotaWait.TotalMinutes:0.#} minutes a run waits (correlation {correlationId}). Run again after the reset; the sync resumes from its checkpoint."),
                    "MuseumPollQuotaExhausted", isTransient: true, url, 429, correlationId);
            }
            _stats.QuotaWait(wait);
            if (pacing)
            {
                _log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"rate limit: {quota.Allowance} requests left in the server's rolling {_options.RollingWindow?.TotalMinutes:0.#}-minute window; pacing {wait.TotalMilliseconds:0} ms before {Http.UrlMasker.Mask(url)} so they last the window; correlation {correlationId}"));
            }
            else
            {
                _log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"rate limit: the server's quota is spent; waiting {wait.TotalMilliseconds:0} ms for its reset before {Http.UrlMasker.Mask(url)}; correlation {correlationId}"));
            }
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            if (quota.TryAdmit(_time.GetUtcNow(), out var ticket, out wait)) return ticket;
        }
    }

    /// <summary>Reads the quota the response reports and releases the ticket; header values that are not sane are ignored, and said.</summary>
    public void Complete(long ticket, HttpResponseMessage? response, Http.MaskedUrl maskedUrl, string correlationId)
    {
        if (_quota is null) return;
        var now = _time.GetUtcNow();
        Action<string>? ignored = _log is null ? null : m => _log($"{m} (from {maskedUrl}; correlation {correlationId})");
        RateLimitInfo? info = response is not null && RateLimitHeaders.TryRead(response.Headers, now, out var i, ignored) ? i : null;
        var spentFor = _quota.Complete(ticket, info, now);
        if (info is { } seen) _shared?.Observe(seen, spentFor, now);
    }
}
