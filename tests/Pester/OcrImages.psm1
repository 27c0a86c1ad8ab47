# Images with known text for the OCR tests and the OCR benchmark (bench/ocr.ps1): rendered with SkiaSharp from the NuGet
# cache the test projects restore (fonts: Debian's fonts-dejavu-core), served from 127.0.0.1 by a small HttpListener server.

function Initialize-Skia {
    if ('SkiaSharp.SKBitmap' -as [type]) { return }
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
    $managed = Join-Path $packages 'skiasharp/2.88.9/lib/net6.0/SkiaSharp.dll'
    $native = Join-Path $packages 'skiasharp.nativeassets.linux.nodependencies/2.88.9/runtimes/linux-x64/native/libSkiaSharp.so'
    foreach ($file in $managed, $native) {
        if (-not (Test-Path -LiteralPath $file)) { throw "$file is missing: restore the test projects first (dotnet build of the solution, or ./build.ps1)." }
    }
    # A C# resolver: SkiaSharp also calls into its native library from the finalizer thread, where no runspace is.
    [MuseumSyncPester.NativeResolver]::Register([System.Reflection.Assembly]::LoadFrom($managed), $native)
}

function New-TextImage {
    <# A PNG of $Text (lines split on `n) in a DejaVu font, black on white. #>
    param([Parameter(Mandatory)] [string] $Text, [string] $Font = 'DejaVuSans.ttf', [float] $Size = 36)
    Initialize-Skia
    $lines = $Text -split "`n"
    $bitmap = [SkiaSharp.SKBitmap]::new(1400, [int]($Size * 1.8 * $lines.Count + $Size * 2))
    $canvas = [SkiaSharp.SKCanvas]::new($bitmap)
    $canvas.Clear([SkiaSharp.SKColors]::White)
    $paint = [SkiaSharp.SKPaint]::new()
    $paint.Typeface = [SkiaSharp.SKTypeface]::FromFile((Join-Path '/usr/share/fonts/truetype/dejavu' $Font))
    $paint.TextSize = $Size
    $paint.IsAntialias = $true
    for ($i = 0; $i -lt $lines.Count; $i++) { $canvas.DrawText($lines[$i], $Size, $Size * 1.5 + $i * $Size * 1.8, $paint) }
    $canvas.Flush()
    $image = [SkiaSharp.SKImage]::FromBitmap($bitmap)
    try { $image.Encode([SkiaSharp.SKEncodedImageFormat]::Png, 90).ToArray() }
    finally { $image.Dispose(); $paint.Dispose(); $canvas.Dispose(); $bitmap.Dispose() }
}

function Get-WordRecall {
    param([string] $Expected, [string] $Text)
    $found = @($Text -split '\W+' | Where-Object { $_ }) 
    $wanted = @($Expected -split '\W+' | Where-Object { $_ })
    @($wanted | Where-Object { $found -contains $_ }).Count / $wanted.Count
}

if (-not ('MuseumSyncPester.ImageServer' -as [type])) {
    Add-Type -TypeDefinition @'
using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Threading.Tasks;

namespace MuseumSyncPester
{
/// <summary>Points an assembly's DllImports at one native library file.</summary>
public static class NativeResolver
{
    public static void Register(Assembly assembly, string path)
    {
        var handle = NativeLibrary.Load(path);
        NativeLibrary.SetDllImportResolver(assembly, (name, a, p) => handle);
    }
}

/// <summary>Serves bytes by path on 127.0.0.1 (404 for unknown paths); a test can replace them between runs.</summary>
public sealed class ImageServer : IDisposable
{
    private readonly HttpListener _listener = new HttpListener();
    private readonly Task _loop;
    public readonly ConcurrentDictionary<string, byte[]> Content = new ConcurrentDictionary<string, byte[]>();

    public ImageServer()
    {
        for (var attempt = 0; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add("http://127.0.0.1:" + port + "/");
            try { _listener.Start(); BaseUri = "http://127.0.0.1:" + port + "/"; break; }
            catch (Exception) when (attempt < 20) { }
        }
        _loop = Task.Run(async () =>
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync().ConfigureAwait(false); }
                catch (Exception) { return; }
                byte[] body;
                var response = context.Response;
                try
                {
                    if (Content.TryGetValue(context.Request.Url.AbsolutePath, out body))
                    {
                        response.ContentType = "image/png";
                        response.ContentLength64 = body.Length;
                        await response.OutputStream.WriteAsync(body, 0, body.Length).ConfigureAwait(false);
                    }
                    else response.StatusCode = 404;
                    response.Close();
                }
                catch (Exception) { try { response.Abort(); } catch (Exception) { } }
            }
        });
    }

    public string BaseUri { get; private set; }

    public void Dispose()
    {
        try { _listener.Stop(); _listener.Close(); } catch (ObjectDisposedException) { }
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
}
'@
}


function Start-ImageServer {
    <# Serves $server.Content[path] = bytes on 127.0.0.1 (404 otherwise); stop it with $server.Dispose(). #>
    [MuseumSyncPester.ImageServer]::new()
}

Export-ModuleMember -Function New-TextImage, Get-WordRecall, Start-ImageServer
