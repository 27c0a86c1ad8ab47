using System.Management.Automation;
using System.Net.Http.Headers;
using MuseumSync.Http;
using MuseumSync.Iiif;
using MuseumSync.PowerShell.Internal;

namespace MuseumSync.PowerShell.Commands;

/// <summary>Validates IIIF Presentation 3.0 Manifests and Collections (help: docs/Test-IiifManifest.md).</summary>
[Cmdlet(VerbsDiagnostic.Test, "IiifManifest", DefaultParameterSetName = PathSet)]
[OutputType(typeof(IiifValidationResult))]
public sealed class TestIiifManifestCommand : StandardsFileCommand
{
    /// <summary>Documents by URL.</summary>
    public const string UriSet = "Uri";

    /// <summary>JSON text (or ConvertTo-IiifManifest output).</summary>
    public const string JsonSet = "Json";

    private const long MaxDownloadBytes = 32L * 1024 * 1024;
    private readonly IiifValidator _validator = new();

    /// <summary>Manifest or Collection URLs, fetched with a GET.</summary>
    [Parameter(Mandatory = true, ParameterSetName = UriSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public Uri[] Uri { get; set; } = null!;

    /// <summary>JSON text; ConvertTo-IiifManifest output binds here by its Json property.</summary>
    [Parameter(Mandatory = true, ParameterSetName = JsonSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Json { get; set; } = null!;

    /// <summary>Seconds one -Uri request may take.</summary>
    [Parameter(ParameterSetName = UriSet)]
    [ValidateRange(1, 3600)]
    public int TimeoutSec { get; set; } = 30;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case JsonSet:
                WriteObject(_validator.Validate(Json, "(json)"));
                break;
            case UriSet:
                foreach (var uri in Uri) Fetch(uri);
                break;
            default:
                foreach (var file in Files())
                {
                    try
                    {
                        using var stream = File.OpenRead(file);
                        WriteObject(_validator.Validate(stream, file));
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        WriteError(new ErrorRecord(ex, "IiifFileUnreadable", ErrorCategory.ReadError, file));
                    }
                }
                break;
        }
    }

    private void Fetch(Uri uri)
    {
        if (!uri.IsAbsoluteUri || (uri.Scheme != System.Uri.UriSchemeHttp && uri.Scheme != System.Uri.UriSchemeHttps))
        {
            WriteError(new ErrorRecord(new ArgumentException($"'{uri}' is not an absolute http(s) URL."), "IiifUriInvalid", ErrorCategory.InvalidArgument, uri));
            return;
        }
        try
        {
            var bytes = Task.Run(async () =>
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(CancelToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(TimeoutSec));
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/ld+json"));
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json", 0.9));
                using var response = await MuseumHttp.Shared.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    throw new HttpRequestException($"GET {UrlMasker.Mask(uri)} answered {(int)response.StatusCode} {response.ReasonPhrase}.", null, response.StatusCode);
                }
                var body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
                await using var bodyScope = body.ConfigureAwait(false);
                using var buffer = new MemoryStream();
                var chunk = new byte[81920];
                int read;
                while ((read = await body.ReadAsync(chunk, timeout.Token).ConfigureAwait(false)) > 0)
                {
                    if (buffer.Length + read > MaxDownloadBytes) throw new InvalidDataException($"{UrlMasker.Mask(uri)} is larger than {MaxDownloadBytes / 1024 / 1024} MB; not a manifest MuseumSync will read.");
                    buffer.Write(chunk, 0, read);
                }
                return buffer.ToArray();
            }).GetAwaiter().GetResult();
            WriteObject(_validator.Validate(new MemoryStream(bytes), UrlMasker.Mask(uri)));
        }
        catch (OperationCanceledException) when (IsStopping)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or InvalidDataException)
        {
            var message = ex is OperationCanceledException ? $"GET {UrlMasker.Mask(uri)} took longer than {TimeoutSec} s. Try again, or raise -TimeoutSec." : ex.Message;
            WriteError(new ErrorRecord(new IOException(message, ex), "IiifFetchFailed", ErrorCategory.ConnectionError, uri));
        }
    }

}
