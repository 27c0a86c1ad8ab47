using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MuseumSync.Http;

namespace MuseumSync.Auth;

/// <summary>
/// OAuth2 client credentials: gets a token from the token endpoint, caches it, refreshes it shortly before it expires
/// (<see cref="OAuth2ClientCredentialsOptions.RefreshBeforeExpiry"/>) and once more when the API answers 401.
/// Neither the secret nor the token ever appears in a message.
/// </summary>
internal sealed class OAuth2ClientCredentialsAuthenticator : IRequestAuthenticator, ICredentialValues, IDisposable
{
    private readonly OAuth2ClientCredentialsOptions _options;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly Action<string>? _log;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private string? _token;
    private DateTimeOffset _refreshAt;

    /// <summary>Creates the authenticator; the token is fetched on the first request.</summary>
    public OAuth2ClientCredentialsAuthenticator(OAuth2ClientCredentialsOptions options, HttpClient http, TimeProvider? time = null, Action<string>? log = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _options.Validate();
        _http = http ?? throw new ArgumentNullException(nameof(http));
        _time = time ?? TimeProvider.System;
        _log = log;
    }

    /// <summary>How many tokens were fetched (for tests and statistics).</summary>
    public int TokensFetched { get; private set; }

    /// <inheritdoc />
    public IReadOnlyCollection<string> SecretQueryParameters => [];

    /// <inheritdoc />
    public bool CanRefresh => true;

    /// <inheritdoc />
    public async ValueTask AuthenticateAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var token = await GetTokenAsync(force: false, cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <inheritdoc />
    public async ValueTask RefreshAsync(CancellationToken cancellationToken) => await GetTokenAsync(force: true, cancellationToken).ConfigureAwait(false);

    private async Task<string> GetTokenAsync(bool force, CancellationToken cancellationToken)
    {
        var seen = _token;
        if (!force && seen is not null && _time.GetUtcNow() < _refreshAt) return seen;
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another request may have refreshed it while this one waited.
            if (_token is not null && !ReferenceEquals(_token, seen) && _time.GetUtcNow() < _refreshAt) return _token;
            if (!force && _token is not null && _time.GetUtcNow() < _refreshAt) return _token;
            return await FetchAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task<string> FetchAsync(CancellationToken cancellationToken)
    {
        var correlationId = Guid.NewGuid().ToString();
        var form = new List<KeyValuePair<string, string>> { new("grant_type", "client_credentials") };
        if (!string.IsNullOrWhiteSpace(_options.Scope)) form.Add(new("scope", _options.Scope));
        if (_options.CredentialsInBody)
        {
            form.Add(new("client_id", _options.ClientId));
            form.Add(new("client_secret", _options.ClientSecret.Reveal()));
        }
        using var message = new HttpRequestMessage(HttpMethod.Post, _options.TokenUri) { Content = new FormUrlEncodedContent(form) };
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        message.Headers.TryAddWithoutValidation(CorrelationIds.Header, correlationId);
        if (!_options.CredentialsInBody)
        {
            var basic = Uri.EscapeDataString(_options.ClientId) + ":" + Uri.EscapeDataString(_options.ClientSecret.Reveal());
            message.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(basic)));
        }
        var masked = UrlMasker.Mask(_options.TokenUri);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new MuseumPollException(
                $"Could not reach the OAuth2 token endpoint {masked}: {ex.Message} (correlation {correlationId}).",
                "MuseumPollAuthUnreachable", isTransient: true, _options.TokenUri, null, correlationId, ex);
        }
        using (response)
        {
            var status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                var transient = status is 408 or 429 or >= 500;
                throw new MuseumPollException(
                    $"The OAuth2 token endpoint {masked} answered {status} {response.ReasonPhrase} for client '{_options.ClientId}' (correlation {correlationId}). {(transient ? "Try again later." : "Check the client id and secret (-Credential) and the scope.")}",
                    "MuseumPollAuthFailed", transient, _options.TokenUri, status, correlationId);
            }
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            string? token = null;
            double? expiresIn = null;
            try
            {
                using var doc = JsonDocument.Parse(body);
                if (doc.RootElement.TryGetProperty("access_token", out var t) && t.ValueKind == JsonValueKind.String) token = t.GetString();
                if (doc.RootElement.TryGetProperty("expires_in", out var e))
                {
                    if (e.ValueKind == JsonValueKind.Number) expiresIn = e.GetDouble();
                    else if (e.ValueKind == JsonValueKind.String && double.TryParse(e.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) expiresIn = d;
                }
            }
            catch (JsonException)
            {
                token = null;
            }
            if (string.IsNullOrEmpty(token))
            {
                throw new MuseumPollException(
                    $"The OAuth2 token endpoint {masked} answered without an access_token (correlation {correlationId}). Check that it is a client-credentials token endpoint.",
                    "MuseumPollAuthFailed", isTransient: false, _options.TokenUri, status, correlationId);
            }
            var lifetime = expiresIn is > 0 ? TimeSpan.FromSeconds(expiresIn.Value) : TimeSpan.FromHours(1);
            var early = lifetime > _options.RefreshBeforeExpiry * 2 ? _options.RefreshBeforeExpiry : lifetime / 2;
            _token = token;
            _refreshAt = _time.GetUtcNow() + lifetime - early;
            TokensFetched++;
            _log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"OAuth2: got a token for client '{_options.ClientId}' from {masked}, valid {lifetime.TotalSeconds:0} s, refreshed after {(lifetime - early).TotalSeconds:0} s; correlation {correlationId}"));
            return token;
        }
    }

    IEnumerable<string> ICredentialValues.CurrentValues() =>
        _token is { } token ? [token, _options.ClientSecret.Reveal()] : [_options.ClientSecret.Reveal()];

    /// <inheritdoc />
    public void Dispose() => _lock.Dispose();
}
