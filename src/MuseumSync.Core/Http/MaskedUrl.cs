namespace MuseumSync.Http;

/// <summary>
/// A request URL as a log line or an error may name it, masked only when one does (<see cref="ToString"/>): most
/// requests succeed and name their URL nowhere, and masking parses and rebuilds the URL. The credential values are
/// taken when the instance is made, so the text is the one masking at that moment would give.
/// </summary>
internal sealed class MaskedUrl
{
    private readonly Uri _url;
    private readonly IReadOnlyCollection<string> _secretNames;
    private readonly IReadOnlyCollection<string> _secretValues;
    private string? _text;

    /// <summary>The URL <paramref name="url"/>, to be masked with these query parameter names and credential values.</summary>
    public MaskedUrl(Uri url, IReadOnlyCollection<string> secretNames, IReadOnlyCollection<string> secretValues)
    {
        _url = url;
        _secretNames = secretNames;
        _secretValues = secretValues;
    }

    /// <summary>The masked URL: secret query values and the credential values replaced by <c>***</c>.</summary>
    public override string ToString() => _text ??= SecretValues.Mask(UrlMasker.Mask(_url, _secretNames), _secretValues);
}
