using System.Collections.Specialized;
using System.Net;
using System.Text;
using System.Web;
using Hangfire.Dashboard;

namespace MuseumSync.Jobs.Dashboard;

/// <summary>
/// Hangfire's view of an <see cref="HttpListenerRequest"/> (as Hangfire.AspNetCore's AspNetCoreDashboardRequest is of
/// an ASP.NET Core one). The form was read, bounded, before dispatch: a dispatcher's read cannot wait on a slow client.
/// </summary>
internal sealed class ListenerDashboardRequest : DashboardRequest
{
    private readonly NameValueCollection _query;
    private readonly NameValueCollection _form;

    /// <summary>A request with its path (unescaped, as ASP.NET Core gives it), query and form.</summary>
    public ListenerDashboardRequest(string method, string path, string query, IPEndPoint? local, IPEndPoint? remote, string? contentType, byte[] body)
    {
        Method = method;
        Path = path;
        LocalIpAddress = local?.Address.ToString()!;
        RemoteIpAddress = remote?.Address.ToString()!;
        _query = HttpUtility.ParseQueryString(query);
        _form = IsForm(contentType) ? HttpUtility.ParseQueryString(Encoding.UTF8.GetString(body)) : new NameValueCollection();
    }

    /// <summary>Builds the request from <paramref name="request"/> and its body, already read.</summary>
    public static ListenerDashboardRequest From(HttpListenerRequest request, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(request);
        var url = request.Url!;
        return new ListenerDashboardRequest(request.HttpMethod, Uri.UnescapeDataString(url.AbsolutePath), url.Query, request.LocalEndPoint, request.RemoteEndPoint, request.ContentType, body);
    }

    public override string Method { get; }

    public override string Path { get; }

    public override string PathBase => string.Empty;

    public override string LocalIpAddress { get; }

    public override string RemoteIpAddress { get; }

    public override string GetQuery(string key) => _query[key]!;

    public override Task<IList<string>> GetFormValuesAsync(string key) =>
        Task.FromResult<IList<string>>(_form.GetValues(key) ?? []);

    private static bool IsForm(string? contentType) =>
        contentType is not null && contentType.Split(';')[0].Trim().Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
}
