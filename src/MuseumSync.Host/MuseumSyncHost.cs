using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;

namespace MuseumSync.Host;

/// <summary>
/// The PowerShell host of MuseumSync.Host: supplies the UI and records the exit code a top-level
/// <c>exit N</c> asks for.
/// </summary>
internal sealed class MuseumSyncHost : PSHost
{
    private readonly HostUserInterface _ui;
    private readonly CultureInfo _culture = CultureInfo.CurrentCulture;
    private readonly CultureInfo _uiCulture = CultureInfo.CurrentUICulture;
    private int _exitCode;
    private volatile bool _shouldExit;

    /// <summary>Initializes a new instance of the <see cref="MuseumSyncHost"/> class.</summary>
    /// <param name="ui">The user interface.</param>
    public MuseumSyncHost(HostUserInterface ui)
    {
        _ui = ui ?? throw new ArgumentNullException(nameof(ui));
    }

    /// <inheritdoc/>
    public override CultureInfo CurrentCulture => _culture;

    /// <inheritdoc/>
    public override CultureInfo CurrentUICulture => _uiCulture;

    /// <inheritdoc/>
    public override Guid InstanceId { get; } = Guid.NewGuid();

    /// <inheritdoc/>
    public override string Name => "MuseumSync.Host";

    /// <inheritdoc/>
    public override PSHostUserInterface UI => _ui;

    /// <inheritdoc/>
    public override Version Version { get; } = typeof(MuseumSyncHost).Assembly.GetName().Version ?? new Version(0, 1);

    /// <summary>Gets a value indicating whether the script asked the host to exit (<c>exit</c> at top level).</summary>
    public bool ShouldExit => _shouldExit;

    /// <summary>Gets the exit code passed to <see cref="SetShouldExit"/>.</summary>
    public int ExitCode => Volatile.Read(ref _exitCode);

    /// <inheritdoc/>
    public override void EnterNestedPrompt() =>
        throw new PSInvalidOperationException("MuseumSync.Host is a non-interactive host: nested prompts are not supported.");

    /// <inheritdoc/>
    public override void ExitNestedPrompt() =>
        throw new PSInvalidOperationException("MuseumSync.Host is a non-interactive host: nested prompts are not supported.");

    /// <inheritdoc/>
    public override void NotifyBeginApplication()
    {
    }

    /// <inheritdoc/>
    public override void NotifyEndApplication()
    {
    }

    /// <inheritdoc/>
    public override void SetShouldExit(int exitCode)
    {
        Volatile.Write(ref _exitCode, exitCode);
        _shouldExit = true;
    }
}
