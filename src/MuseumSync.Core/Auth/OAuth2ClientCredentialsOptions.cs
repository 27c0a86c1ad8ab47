namespace MuseumSync.Auth;

/// <summary>OAuth2 client credentials (RFC 6749 §4.4): where to get a token and with which client.</summary>
internal sealed class OAuth2ClientCredentialsOptions
{
    /// <summary>The token endpoint, for example <c>https://auth.example.org/oauth/token</c>.</summary>
    public required Uri TokenUri { get; init; }

    /// <summary>The client id (not a secret; it may appear in messages).</summary>
    public required string ClientId { get; init; }

    /// <summary>The client secret.</summary>
    public required Secret ClientSecret { get; init; }

    /// <summary>The scope to ask for; none by default.</summary>
    public string? Scope { get; init; }

    /// <summary>How long before the token expires it is refreshed. The default is 60 seconds.</summary>
    public TimeSpan RefreshBeforeExpiry { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Send the client id and secret in the form body instead of HTTP Basic authentication (some servers accept only
    /// that). The default is false: Basic, as RFC 6749 §2.3.1 recommends.
    /// </summary>
    public bool CredentialsInBody { get; init; }

    /// <summary>Throws when a value is not usable.</summary>
    public void Validate()
    {
        if (!TokenUri.IsAbsoluteUri || (TokenUri.Scheme != Uri.UriSchemeHttp && TokenUri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"The token endpoint '{TokenUri}' is not an absolute http(s) URL.", nameof(TokenUri));
        }
        if (string.IsNullOrWhiteSpace(ClientId)) throw new ArgumentException("A client id is required for OAuth2 client credentials.", nameof(ClientId));
        if (RefreshBeforeExpiry < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(RefreshBeforeExpiry), RefreshBeforeExpiry, "Use zero or a positive time.");
    }
}
