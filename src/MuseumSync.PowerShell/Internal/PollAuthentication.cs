using System.Management.Automation;
using System.Security;
using MuseumSync.Auth;

namespace MuseumSync.PowerShell.Internal;

/// <summary>Turns the cmdlet's secret parameters (SecureString, PSCredential, environment variable names; never plain strings) into an authenticator.</summary>
internal static class PollAuthentication
{
    public static IRequestAuthenticator? Create(
        SecureString? apiKey,
        string? apiKeyVariable,
        string? apiKeyName,
        ApiKeyLocation apiKeyLocation,
        SecureString? bearerToken,
        string? bearerTokenVariable,
        PSCredential? credential,
        string? clientId,
        string? clientSecretVariable,
        Uri? tokenUri,
        string? scope,
        HttpClient http,
        Action<string>? log)
    {
        var chosen = new[] { apiKey is not null || apiKeyVariable is not null, bearerToken is not null || bearerTokenVariable is not null, credential is not null || clientSecretVariable is not null }.Count(b => b);
        if (chosen > 1)
        {
            throw new ArgumentException("Use one kind of credential: an API key (-ApiKey/-ApiKeyVariable), a bearer token (-BearerToken/-BearerTokenVariable) or OAuth2 client credentials (-Credential, or -ClientId with -ClientSecretVariable, and -TokenUri).");
        }
        if (apiKey is not null || apiKeyVariable is not null)
        {
            var key = apiKey is not null ? Secret.FromSecureString(apiKey, "-ApiKey") : Secret.FromEnvironment(apiKeyVariable!);
            return new ApiKeyAuthenticator(key, apiKeyName, apiKeyLocation);
        }
        if (bearerToken is not null || bearerTokenVariable is not null)
        {
            return new BearerTokenAuthenticator(bearerToken is not null ? Secret.FromSecureString(bearerToken, "-BearerToken") : Secret.FromEnvironment(bearerTokenVariable!));
        }
        if (credential is not null || clientSecretVariable is not null)
        {
            if (tokenUri is null) throw new ArgumentException("OAuth2 client credentials need the token endpoint: add -TokenUri https://…/oauth/token.");
            var id = credential?.UserName ?? clientId;
            if (string.IsNullOrWhiteSpace(id)) throw new ArgumentException("OAuth2 client credentials need a client id: -Credential (user name = client id) or -ClientId.");
            var secret = credential is not null ? Secret.FromSecureString(credential.Password, "-Credential") : Secret.FromEnvironment(clientSecretVariable!);
            return new OAuth2ClientCredentialsAuthenticator(new OAuth2ClientCredentialsOptions { TokenUri = tokenUri, ClientId = id, ClientSecret = secret, Scope = scope }, http, TimeProvider.System, log);
        }
        return null;
    }
}
