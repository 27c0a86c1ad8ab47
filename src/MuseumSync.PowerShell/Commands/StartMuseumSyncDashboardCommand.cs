using System.Management.Automation;
using MuseumSync.Jobs;
using MuseumSync.Jobs.Dashboard;
using MuseumSync.PowerShell.Internal;

namespace MuseumSync.PowerShell.Commands;

/// <summary>Serves Hangfire's dashboard of the config's job storage on 127.0.0.1 (help: docs/Start-MuseumSyncDashboard.md).</summary>
[Cmdlet(VerbsLifecycle.Start, "MuseumSyncDashboard")]
[OutputType(typeof(JobDashboard))]
public sealed class StartMuseumSyncDashboardCommand : JobCommand
{
    /// <summary>The TCP port on 127.0.0.1; 0 picks a free one. The default is 0.</summary>
    [Parameter]
    [ValidateRange(0, 65535)]
    public int Port { get; set; }

    /// <summary>Let the dashboard's retry, requeue and delete buttons work (from its own pages only); read-only without it.</summary>
    [Parameter]
    public SwitchParameter AllowActions { get; set; }

    /// <summary>Return the running dashboard at once instead of serving until Ctrl+C; stop it with its Stop() method.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var config = LoadConfig();
        var sources = Select(config);
        var where = config.Store.Describe();
        var options = new DashboardHostOptions
        {
            Port = Port,
            AllowActions = AllowActions,
            Title = $"MuseumSync jobs: {string.Join(", ", sources.Select(s => s.Name))} ({where})",
        };
        // The schema (job tables included) is brought up to date here, as the worker does.
        OpenStore(config).DisposeAsync().AsTask().GetAwaiter().GetResult();
        DashboardHost host;
        try
        {
            host = new JobService(config.Store, new JobEngineOptions()).StartDashboard(options);
        }
        catch (DashboardStartException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "DashboardStartFailed", ErrorCategory.ResourceUnavailable, Port));
            throw; // not reached
        }
        var dashboard = new JobDashboard(host)
        {
            Url = host.Url,
            Port = host.Url.Port,
            Database = where,
            AllowActions = AllowActions,
            Started = TimeProvider.System.GetUtcNow(),
        };
        WriteVerbose($"Dashboard of {where} at {host.Url} ({(AllowActions ? "actions allowed from its own pages" : "read-only")}){(PassThru ? "; $dashboard.Stop() stops it" : "; Ctrl+C stops it")}.");
        if (PassThru)
        {
            WriteObject(dashboard);
            return;
        }
        try
        {
            WriteObject(dashboard);
            while (!IsStopping)
            {
                Drain(host);
                CancelToken.WaitHandle.WaitOne(500);
            }
        }
        finally
        {
            dashboard.Stop();
        }
        Drain(host);
        WriteVerbose($"Dashboard at {host.Url} stopped.");
        throw new PipelineStoppedException();
    }

    private void Drain(DashboardHost host)
    {
        while (host.TryTakeProblem(out var problem)) WriteWarning(problem);
    }
}
