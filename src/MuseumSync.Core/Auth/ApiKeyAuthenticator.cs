using MuseumSync.Paging;

namespace MuseumSync.Auth;

/// <summary>Sends an API key in a header or a query parameter on every request.</summary>
internal sealed class ApiKeyAuthenticator : IRequestAuthenticator, ICredentialValues
{
    private readonly Secret _key;

    /// <summary>Creates the authenticator.</summary>
    /// <param name="key">The key.</param>
    /// <param name="name">The header or query parameter name. The default is <c>X-Api-Key</c> for a header and <c>api_key</c> for a query parameter.</param>
    /// <param name="location">Header or query. The default is a header.</param>
    public ApiKeyAuthenticator(Secret key, string? name = null, ApiKeyLocation location = ApiKeyLocation.Header)
    {
        _key = key ?? throw new ArgumentNullException(nameof(key));
        Location = location;
        Name = string.IsNullOrWhiteSpace(name) ? (location == ApiKeyLocation.Header ? "X-Api-Key" : "api_key") : name;
        SecretQueryParameters = location == ApiKeyLocation.Query ? [Name] : [];
    }

    /// <summary>The header or query parameter name.</summary>
    public string Name { get; }

    /// <summary>Header or query.</summary>
    public ApiKeyLocation Location { get; }

    /// <inheritdoc />
    public IReadOnlyCollection<string> SecretQueryParameters { get; }

    /// <inheritdoc />
    public bool CanRefresh => false;

    /// <inheritdoc />
    public ValueTask AuthenticateAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Location == ApiKeyLocation.Header)
        {
            request.Headers.Remove(Name);
            request.Headers.TryAddWithoutValidation(Name, _key.Reveal());
        }
        else if (request.RequestUri is { } uri)
        {
            request.RequestUri = QueryString.With(uri, (Name, _key.Reveal()));
        }
        return default;
    }

    /// <inheritdoc />
    public ValueTask RefreshAsync(CancellationToken cancellationToken) => default;

    IEnumerable<string> ICredentialValues.CurrentValues() => [_key.Reveal()];
}
