namespace MuseumSync.Auth;

/// <summary>
/// Adds credentials to each request. An authenticator that can get a fresh credential (OAuth2) says so with
/// <see cref="CanRefresh"/>; the poller then refreshes once when the server answers 401, and sends the request again.
/// </summary>
internal interface IRequestAuthenticator
{
    /// <summary>Query parameters this authenticator adds (their values are masked in logs and removed from stored positions).</summary>
    IReadOnlyCollection<string> SecretQueryParameters { get; }

    /// <summary>True when <see cref="RefreshAsync"/> can obtain a new credential.</summary>
    bool CanRefresh { get; }

    /// <summary>Adds the credential to <paramref name="request"/> (a header, or a query parameter on its URI).</summary>
    ValueTask AuthenticateAsync(HttpRequestMessage request, CancellationToken cancellationToken);

    /// <summary>Drops the cached credential and obtains a new one (after a 401).</summary>
    ValueTask RefreshAsync(CancellationToken cancellationToken);
}
