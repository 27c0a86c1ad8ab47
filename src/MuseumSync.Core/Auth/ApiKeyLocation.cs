namespace MuseumSync.Auth;

/// <summary>Where an API key goes on each request.</summary>
internal enum ApiKeyLocation
{
    /// <summary>A request header, for example <c>X-Api-Key</c>.</summary>
    Header,

    /// <summary>A query parameter, for example <c>apikey</c> (Harvard) or <c>api_key</c> (Smithsonian).</summary>
    Query,
}
