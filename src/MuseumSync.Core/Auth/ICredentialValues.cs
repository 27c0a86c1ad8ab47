namespace MuseumSync.Auth;

/// <summary>
/// An authenticator that can say which secret values it currently sends (the key, the token), so that a server that
/// echoes one into a next link, a cursor or a redirect is caught: the value is stripped or masked, never stored or logged.
/// </summary>
internal interface ICredentialValues
{
    /// <summary>The secret values as they go on the wire now (an OAuth2 token only once fetched).</summary>
    IEnumerable<string> CurrentValues();
}
