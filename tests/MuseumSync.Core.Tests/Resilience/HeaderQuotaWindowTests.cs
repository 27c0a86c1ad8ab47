using System.Globalization;
using MuseumSync.Resilience;

namespace MuseumSync.Core.Tests.Resilience;

/// <summary>
/// The header quota's windows with several requests in flight: answers that come back in another order than the server
/// counted them, stale answers of a window already over, failures, and rollover with each header style. A scripted
/// fixed-window server on a fake clock counts every request when the script says and writes real headers, read back by
/// <see cref="RateLimitHeaders"/>; no sockets.
/// </summary>
public class HeaderQuotaWindowTests
{
    private static readonly DateTimeOffset s_start = new(2025, 5, 1, 12, 0, 0, TimeSpan.Zero);

    public enum Style
    {
        /// <summary>X-RateLimit-Reset as whole seconds from now, rounded up (the bench's mock API, GitLab, many gateways).</summary>
        XRateLimitSeconds,

        /// <summary>X-RateLimit-Reset as epoch seconds (GitHub).</summary>
        XRateLimitEpoch,

        /// <summary>IETF draft-08 and later: RateLimit: "default";r=..;t=.. with RateLimit-Policy: "default";q=..;w=...</summary>
        IetfStructured,

        /// <summary>IETF early drafts: separate RateLimit-Limit, -Remaining, -Reset (seconds).</summary>
        IetfSeparate,
    }

    /// <summary>
    /// A fixed-window quota: windows of <c>window</c> from <see cref="s_start"/>, each allowing <c>limit</c> requests;
    /// every answer says what is left after the request, and when its window resets in the style given.
    /// </summary>
    private sealed class Server(int limit, TimeSpan window, Style style = Style.XRateLimitSeconds)
    {
        private readonly Dictionary<long, int> _counts = new();

        /// <summary>Requests counted in a window after it had allowed the limit.</summary>
        public int Violations { get; private set; }

        public int CountedIn(long w) => _counts.GetValueOrDefault(w);

        /// <summary>Counts <paramref name="n"/> requests reaching the server at <paramref name="at"/>.</summary>
        public void CountMany(int n, DateTimeOffset at)
        {
            for (var i = 0; i < n; i++) Count(at);
        }

        public long WindowAt(DateTimeOffset at) => (at - s_start).Ticks / window.Ticks;

        /// <summary>Counts a request reaching the server at <paramref name="at"/>; returns the headers of its answer.</summary>
        public (string Name, string Value)[] Count(DateTimeOffset at)
        {
            var w = WindowAt(at);
            var count = _counts[w] = _counts.GetValueOrDefault(w) + 1;
            if (count > limit) Violations++;
            var remaining = Math.Max(0, limit - count).ToString(CultureInfo.InvariantCulture);
            var end = s_start + (window * (w + 1));
            var seconds = Math.Max(1, Math.Ceiling((end - at).TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            var l = limit.ToString(CultureInfo.InvariantCulture);
            return style switch
            {
                Style.XRateLimitSeconds => [("X-RateLimit-Limit", l), ("X-RateLimit-Remaining", remaining), ("X-RateLimit-Reset", seconds)],
                Style.XRateLimitEpoch => [("X-RateLimit-Limit", l), ("X-RateLimit-Remaining", remaining), ("X-RateLimit-Reset", end.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))],
                Style.IetfStructured => [("RateLimit-Policy", $"\"default\";q={l};w={(int)window.TotalSeconds}"), ("RateLimit", $"\"default\";r={remaining};t={seconds}")],
                _ => [("RateLimit-Limit", l), ("RateLimit-Remaining", remaining), ("RateLimit-Reset", seconds)],
            };
        }
    }

    /// <summary>The answer as the poller reads it on arrival at <paramref name="now"/>.</summary>
    private static RateLimitInfo Read((string Name, string Value)[] headers, DateTimeOffset now)
    {
        using var r = new HttpResponseMessage();
        foreach (var (n, v) in headers) r.Headers.TryAddWithoutValidation(n, v);
        Assert.True(RateLimitHeaders.TryRead(r.Headers, now, out var info));
        return info;
    }

    private static long Admit(HeaderQuota q, DateTimeOffset now)
    {
        Assert.True(q.TryAdmit(now, out var ticket, out var wait), $"refused at {now:HH:mm:ss.fff} (wait {wait})");
        return ticket;
    }

    /// <summary>Admits until the quota refuses; the number admitted.</summary>
    private static int AdmitAll(HeaderQuota q, DateTimeOffset now, List<long>? tickets = null)
    {
        var n = 0;
        while (n < 1000 && q.TryAdmit(now, out var t, out _))
        {
            tickets?.Add(t);
            n++;
        }
        return n;
    }

    [Fact]
    public void Complete_AnswerCountedEarlierArrivesAfterAFresherOne_AllowanceDoesNotRise()
    {
        // The interleaving that made CI flaky: a and b in flight; the server counts b first (9 left), then a (8 left);
        // a's answer comes back first, then b's. b's is older news: it must not raise what a's lowered.
        var server = new Server(10, TimeSpan.FromSeconds(1));
        var q = new HeaderQuota();
        var t = s_start.AddMilliseconds(100);
        var a = Admit(q, t);
        var b = Admit(q, t);
        var bSays = server.Count(t);
        var aSays = server.Count(t);
        q.Complete(a, Read(aSays, t), t);
        q.Complete(b, Read(bSays, t), t);

        Assert.Equal(8, q.Allowance);
        server.CountMany(AdmitAll(q, t), t);
        Assert.Equal(10, server.CountedIn(0));
        Assert.Equal(0, server.Violations);
    }

    [Fact]
    public void Complete_FailureCountedBeforeAFresherAnswer_StaysCounted()
    {
        // b starts first and a after it; the server counts a (2 left), then b, whose answer is lost (a timeout).
        var server = new Server(3, TimeSpan.FromSeconds(1));
        var q = new HeaderQuota();
        var t = s_start.AddMilliseconds(100);
        var b = Admit(q, t);
        var a = Admit(q, t);
        var aSays = server.Count(t);
        server.Count(t);
        Assert.Null(q.Complete(b, null, t));
        q.Complete(a, Read(aSays, t), t);

        Assert.Equal(1, q.Allowance);
        server.CountMany(AdmitAll(q, t), t);
        Assert.Equal(0, server.Violations);
    }

    [Fact]
    public void Complete_OneSecondResetSaidThreeHundredMillisecondsApart_SameWindowNotANewOne()
    {
        // "Reset: 1" at 12:00:00.100 and again at 12:00:00.400 names the same window (the server rounds up): the later
        // answer with more left came from a request counted earlier, not from a new window. It frees its own slot only.
        var server = new Server(10, TimeSpan.FromSeconds(1));
        var q = new HeaderQuota();
        var t0 = s_start.AddMilliseconds(100);
        var a = Admit(q, t0);
        var b = Admit(q, t0);
        Admit(q, t0);                 // c
        var bSays = server.Count(t0); // 9 left
        server.Count(t0);             // c: 8 left, its answer still on its way
        var aSays = server.Count(t0); // 7 left
        q.Complete(a, Read(aSays, t0), t0);
        Assert.Equal(5, q.Allowance);
        var t1 = t0.AddMilliseconds(300);
        q.Complete(b, Read(bSays, t1), t1);

        Assert.Equal(6, q.Allowance); // c is still in flight and may be counted after a
        server.CountMany(AdmitAll(q, t1), t1);
        Assert.Equal(9, server.CountedIn(0));
        Assert.Equal(0, server.Violations);
    }

    [Fact]
    public void Complete_RequestStartedAfterAnAnswerFindsMoreLeft_NewWindowRaisesTheAllowance()
    {
        var server = new Server(10, TimeSpan.FromSeconds(1));
        var q = new HeaderQuota();
        var t0 = s_start.AddMilliseconds(900);
        var first = new List<long>();
        for (var i = 0; i < 8; i++) first.Add(Admit(q, t0));
        foreach (var ticket in first) q.Complete(ticket, Read(server.Count(t0), t0), t0);
        Assert.Equal(2, q.Allowance);

        // Started after those answers arrived, counted after the reset: the count went down, so the window turned.
        var t1 = t0.AddMilliseconds(150);
        var late = Admit(q, t1);
        q.Complete(late, Read(server.Count(t1), t1), t1);

        Assert.Equal(9, q.Allowance);
        server.CountMany(AdmitAll(q, t1), t1);
        Assert.Equal(10, server.CountedIn(1));
        Assert.Equal(0, server.Violations);
    }

    [Fact]
    public void TryAdmit_RequestCountedAfterTheResetBeforeTheClockPassedTheSaidReset_StaysCounted()
    {
        // The server's window ends at 12:00:01.000; at 12:00:00.600 it says "Reset: 1" (rounded up from 0.4 s), so this
        // client waits until 12:00:01.600. b, started before, is counted at 12:00:01.100, in the new window: when the
        // clock passes the reset, b must still count against it.
        var server = new Server(3, TimeSpan.FromSeconds(1));
        var q = new HeaderQuota();
        var t0 = s_start.AddMilliseconds(600);
        var a = Admit(q, t0);
        q.Complete(a, Read(server.Count(t0), t0), t0); // 2 left
        var b = Admit(q, t0);
        var c = Admit(q, t0);
        Assert.Equal(TimeSpan.FromSeconds(1), q.Complete(c, Read(server.Count(t0), t0), t0)); // 1 left, b in flight
        Assert.False(q.TryAdmit(t0, out _, out var wait));
        Assert.Equal(TimeSpan.FromSeconds(1), wait);
        var t1 = s_start.AddMilliseconds(1100);
        q.Complete(b, Read(server.Count(t1), t1), t1);

        server.CountMany(AdmitAll(q, t0 + wait), t0 + wait);
        Assert.Equal(3, server.CountedIn(1));
        Assert.Equal(0, server.Violations);
    }

    [Fact]
    public void Complete_StaleAnswerOfTheSpentWindowAfterTheReset_NeitherBlocksNorReportsSpent()
    {
        // b is counted as the last of window 0 (0 left) but answers after the reset, when window 1 has begun: its
        // "Remaining: 0, Reset: 1" is old news and must not stall the new window (nor, through the shared budget,
        // every other worker) for another second.
        var server = new Server(3, TimeSpan.FromSeconds(1));
        var q = new HeaderQuota();
        var t0 = s_start.AddMilliseconds(200);
        var a = Admit(q, t0);
        q.Complete(a, Read(server.Count(t0), t0), t0); // 2 left
        var b = Admit(q, t0);
        var c = Admit(q, t0);
        Assert.Equal(TimeSpan.FromSeconds(1), q.Complete(c, Read(server.Count(t0), t0), t0)); // 1 left, b in flight
        var bSays = server.Count(t0.AddMilliseconds(700)); // 0 left, on its way

        var t1 = s_start.AddMilliseconds(1300); // the clock has passed the reset (12:00:01.200)
        var d = Admit(q, t1);
        q.Complete(d, Read(server.Count(t1), t1), t1); // window 1: 2 left
        var before = q.Allowance;
        Assert.Null(q.Complete(b, Read(bSays, t1), t1));

        Assert.Equal(before, q.Allowance);
        Assert.True(q.TryAdmit(t1, out _, out _));
        Assert.Equal(0, server.Violations);
    }

    [Fact]
    public void Complete_StragglerNamesTheResetOfALaterMinute_NewWindowBeforeTheSaidResetPasses()
    {
        // One-minute windows, relative resets rounded up: a's answer spends window 0 at 12:00:59.7 and says "Reset: 1"
        // (12:01:00.7 at the latest); b, started with a, was counted at 12:01:00.2 and says "Reset: 60": its window ends
        // a minute after a's, whichever order the answers come in, so window 1 may be used at once.
        var server = new Server(5, TimeSpan.FromMinutes(1));
        var q = new HeaderQuota();
        var t0 = s_start.AddSeconds(59.7);
        var a = Admit(q, t0);
        var b = Admit(q, t0);
        server.CountMany(4, t0); // spent earlier by another run
        Assert.Equal(TimeSpan.FromSeconds(1), q.Complete(a, Read(server.Count(t0), t0), t0));
        var t1 = s_start.AddSeconds(60.3);
        q.Complete(b, Read(server.Count(t1.AddMilliseconds(-100)), t1), t1);

        Assert.Equal(4, q.Allowance);
        server.CountMany(AdmitAll(q, t1), t1);
        Assert.Equal(5, server.CountedIn(1));
        Assert.Equal(0, server.Violations);
    }

    [Fact]
    public void Complete_FailuresOnly_AllowanceUnknownAndNothingBlocks()
    {
        var q = new HeaderQuota();
        var a = Admit(q, s_start);
        Assert.Null(q.Complete(a, null, s_start));
        Assert.Null(q.Complete(a, null, s_start)); // twice, or a ticket never issued: ignored
        Assert.Null(q.Complete(42, new RateLimitInfo(10, 0, TimeSpan.FromSeconds(1)), s_start));
        Assert.Null(q.Allowance);
        Assert.True(q.TryAdmit(s_start, out _, out _));
    }

    [Fact]
    public void Complete_RollingWindowStaleAnswerWithMoreLeft_DoesNotRaise()
    {
        // api.data.gov-style (no reset): b starts first, a second; the server counts a (41 left), then b (40 left);
        // b's answer arrives first. a's is older news.
        var q = new HeaderQuota(TimeSpan.FromHours(1));
        var b = Admit(q, s_start);
        var a = Admit(q, s_start);
        q.Complete(b, new RateLimitInfo(100, 40, null), s_start);
        q.Complete(a, new RateLimitInfo(100, 41, null), s_start);
        Assert.Equal(40, q.Allowance);
    }

    /// <summary>
    /// Many windows of a scripted run: up to eight requests in flight, each counted by the server some time after it
    /// started and answered some time after that, in an order drawn from a seeded random source (so every run is the
    /// same; 25 seeds), a few answers lost. The server must never count more than its limit in a window, and the quota
    /// must not collapse: at least half the limit of every window elapsed is used.
    /// </summary>
    [Theory]
    [InlineData(Style.XRateLimitSeconds)]
    [InlineData(Style.XRateLimitEpoch)]
    [InlineData(Style.IetfStructured)]
    [InlineData(Style.IetfSeparate)]
    public void ScriptedRun_AnswersInAnyOrder_NeverOverTheLimitInAWindow(Style style)
    {
        for (var seed = 1; seed <= 25; seed++) ScriptedRun(style, seed);
    }

    private static void ScriptedRun(Style style, int seed)
    {
        const int limit = 10;
        var server = new Server(limit, TimeSpan.FromSeconds(1), style);
        var q = new HeaderQuota();
        var random = new Random(seed);
        var t = s_start.AddMilliseconds(random.Next(1000));
        var waiting = new List<long>();                                         // started, not yet counted
        var counted = new List<(long Ticket, (string, string)[] Says)>();       // counted, answer on its way
        var admitted = 0;
        var answered = false;
        // The first request goes alone (a real run reads the ID list first); then up to eight at a time.
        waiting.Add(Admit(q, t));
        admitted++;
        for (var step = 0; step < 6000; step++)
        {
            switch (random.Next(4))
            {
                case 0 when answered && waiting.Count + counted.Count < 8:
                    if (q.TryAdmit(t, out var ticket, out _))
                    {
                        waiting.Add(ticket);
                        admitted++;
                    }
                    break;
                case 1 when waiting.Count > 0:
                    var k = random.Next(waiting.Count);
                    counted.Add((waiting[k], server.Count(t)));
                    waiting.RemoveAt(k);
                    break;
                case 2 when counted.Count > 0:
                    var j = random.Next(counted.Count);
                    var (done, says) = counted[j];
                    counted.RemoveAt(j);
                    q.Complete(done, answered && random.Next(20) == 0 ? null : Read(says, t), t);
                    answered = true;
                    break;
                default:
                    t = t.AddMilliseconds(random.Next(0, 40));
                    break;
            }
        }

        Assert.True(server.Violations == 0, $"seed {seed}: {server.Violations} requests over the limit");
        var windows = server.WindowAt(t) - server.WindowAt(s_start);
        Assert.True(admitted >= windows * limit / 2, $"seed {seed}: {admitted} requests in {windows} windows of {limit}");
    }
}
