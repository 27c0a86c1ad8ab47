using System.Net.Http.Headers;

namespace MuseumSync.Auth;

/// <summary>Sends a fixed bearer token (<c>Authorization: Bearer …</c>) on every request.</summary>
internal sealed class BearerTokenAuthenticator : IRequestAuthenticator, ICredentialValues
{
    private readonly Secret _token;

    /// <summary>Creates the authenticator.</summary>
    public BearerTokenAuthenticator(Secret token) => _token = token ?? throw new ArgumentNullException(nameof(token));

    /// <inheritdoc />
    public IReadOnlyCollection<string> SecretQueryParameters => [];

    /// <inheritdoc />
    public bool CanRefresh => false;

    /// <inheritdoc />
    public ValueTask AuthenticateAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token.Reveal());
        return default;
    }

    /// <inheritdoc />
    public ValueTask RefreshAsync(CancellationToken cancellationToken) => default;

    IEnumerable<string> ICredentialValues.CurrentValues() => [_token.Reveal()];
}
