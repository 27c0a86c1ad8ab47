using Hangfire;
using Hangfire.Dashboard;

namespace MuseumSync.Jobs.Dashboard;

/// <summary>Hangfire's dashboard context for one request served by <see cref="DashboardHost"/> (as Hangfire.AspNetCore's AspNetCoreDashboardContext).</summary>
internal sealed class ListenerDashboardContext : DashboardContext
{
    /// <summary>The context of <paramref name="request"/>; the pages carry <paramref name="guard"/>'s token for their POSTs.</summary>
    public ListenerDashboardContext(JobStorage storage, DashboardOptions options, ListenerDashboardRequest request, ListenerDashboardResponse response, RequestGuard guard)
        : base(storage, options)
    {
        ArgumentNullException.ThrowIfNull(guard);
        Request = request;
        Response = response;
        AntiforgeryHeader = RequestGuard.TokenHeader;
        AntiforgeryToken = guard.Token;
    }
}
