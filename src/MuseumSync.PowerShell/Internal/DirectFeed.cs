using System.Management.Automation;
using System.Reflection;
using MuseumSync.PowerShell.Commands;

namespace MuseumSync.PowerShell.Internal;

/// <summary>
/// The records of one chunk of Invoke-MuseumPoll's output, handed to the Sync-MuseumRecord that reads its output
/// directly (<c>Invoke-MuseumPoll … | Sync-MuseumRecord …</c>) as one pipeline object instead of one object per record.
/// Nothing else ever sees one: the poll writes it only after <see cref="DirectFeed.Consumer"/> found that the next
/// command of its pipeline is a Sync-MuseumRecord and that nothing else observes its output (below).
/// </summary>
/// <param name="Records">The records, in the order the poll read them.</param>
/// <param name="Feed">The poll run they come from.</param>
internal sealed record PolledRecords(MuseumRecord[] Records, PollFeed Feed);

/// <summary>
/// Finds the Sync-MuseumRecord that reads a cmdlet's output directly, so that Invoke-MuseumPoll can hand it records a
/// chunk at a time. Per object PowerShell wraps the value in a PSObject, steps the downstream command and runs its
/// parameter binder: four passes over every unbound parameter (Sync-MuseumRecord has about thirty), the mandatory
/// checks and the restore of defaults. For a sync of a million records that was about 3 s of CPU, a sixth of the run
/// (docs/guide/performance.md); one object per chunk of up to 256 records removes nearly all of it. What the user sees
/// is the same: the same records reach the same Sync-MuseumRecord in the same order, on the pipeline thread, in its own
/// ProcessRecord (so its warnings, errors, progress, -WhatIf and -Confirm work as before).
/// </summary>
/// <remarks>
/// PowerShell has no public API for a command's downstream command, so this reads three of its internal members
/// (<c>MshCommandRuntime._outputPipe</c>, <c>Pipe.DownstreamCmdlet</c>, <c>CommandProcessorBase.Command</c>), which
/// PowerShell has had since its first open-source release (2016; its Pipe.cs last changed in 2022, before 7.4). When any
/// of them is missing or anything about the pipe is not the plain case, <see cref="Consumer"/> says null and the poll
/// writes record by record as before; tests/Pester/Composition.Tests.ps1 fails if the PowerShell it runs stops
/// supporting the hand-over.
/// <para>
/// The chunked hand-over is used only when nothing but the Sync-MuseumRecord can see the poll's output objects: not
/// with the poll's -OutVariable or -PipelineVariable (they take the records one by one), and not when the next command
/// is anything else (<c>Where-Object</c>, <c>Select-Object</c>, <c>Tee-Object</c>, a script block, a variable).
/// </para>
/// </remarks>
internal static class DirectFeed
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;
    private static readonly Func<object, object?>? s_downstream = Build();

    /// <summary>The Sync-MuseumRecord that reads <paramref name="upstream"/>'s output directly, or null.</summary>
    public static SyncMuseumRecordCommand? Consumer(PSCmdlet upstream)
    {
        if (s_downstream is null) return null;
        var bound = upstream.MyInvocation.BoundParameters;
        if (bound.ContainsKey("OutVariable") || bound.ContainsKey("PipelineVariable")) return null;
        try
        {
            return s_downstream(upstream.CommandRuntime) as SyncMuseumRecordCommand;
        }
        catch (Exception ex) when (ex is TargetInvocationException or InvalidCastException or NullReferenceException or MemberAccessException)
        {
            return null;
        }
    }

    private static Func<object, object?>? Build()
    {
        var engine = typeof(PSCmdlet).Assembly;
        var runtime = engine.GetType("System.Management.Automation.MshCommandRuntime");
        var pipe = engine.GetType("System.Management.Automation.Internal.Pipe");
        var processor = engine.GetType("System.Management.Automation.CommandProcessorBase");
        var outputPipe = runtime?.GetField("_outputPipe", Instance);
        var downstream = pipe?.GetProperty("DownstreamCmdlet", Instance);
        var externalWriter = pipe?.GetProperty("ExternalWriter", Instance);
        var nullPipe = pipe?.GetProperty("NullPipe", Instance);
        var command = processor?.GetProperty("Command", Instance);
        if (outputPipe is null || downstream is null || externalWriter is null || nullPipe is null || command is null) return null;
        return commandRuntime =>
        {
            if (!runtime!.IsInstanceOfType(commandRuntime) || outputPipe.GetValue(commandRuntime) is not { } output) return null;
            if (externalWriter.GetValue(output) is not null || nullPipe.GetValue(output) is not false) return null;
            return downstream.GetValue(output) is { } next ? command.GetValue(next) : null;
        };
    }
}
