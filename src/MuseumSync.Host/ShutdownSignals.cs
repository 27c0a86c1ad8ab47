using System.Runtime.InteropServices;

namespace MuseumSync.Host;

/// <summary>
/// Turns Ctrl+C and SIGTERM into a stop of the running pipeline; a second signal ends the
/// process at once with exit code 130.
/// </summary>
internal sealed class ShutdownSignals : IDisposable
{
    private readonly Action _stop;
    private readonly PosixSignalRegistration? _sigterm;
    private int _signals;

    /// <summary>Initializes a new instance of the <see cref="ShutdownSignals"/> class and starts listening.</summary>
    /// <param name="stop">Called on the first signal; should stop the running pipeline.</param>
    public ShutdownSignals(Action stop)
    {
        _stop = stop ?? throw new ArgumentNullException(nameof(stop));
        Console.CancelKeyPress += OnCancelKeyPress;
        try
        {
            _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSigterm);
        }
        catch (PlatformNotSupportedException)
        {
            // No SIGTERM here (e.g. some Windows setups): Ctrl+C still works.
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancelKeyPress;
        _sigterm?.Dispose();
    }

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        e.Cancel = true;
        OnSignal();
    }

    private void OnSigterm(PosixSignalContext context)
    {
        context.Cancel = true;
        OnSignal();
    }

    private void OnSignal()
    {
        if (Interlocked.Increment(ref _signals) > 1)
        {
            Environment.Exit(ExitCodes.Stopped);
        }

        _stop();
    }
}
