using System.Diagnostics;
using System.Globalization;
using MuseumSync.Storage.Leases;

namespace MuseumSync.Core.Tests.Storage.Leases;

/// <summary>
/// A real zombie: <c>sh</c> starts <c>sleep 0.1</c> in the background and then becomes <c>sleep 30</c>, which never
/// reaps it, so the child exits into the Z state with its pid and start time kept. Disposing kills the parent (the
/// zombie is then reaped by init) and waits for it.
/// </summary>
internal sealed class ZombieProcess : IDisposable
{
    private readonly Process _parent;

    private ZombieProcess(Process parent, int pid)
    {
        _parent = parent;
        Pid = pid;
    }

    /// <summary>The zombie's pid.</summary>
    public int Pid { get; }

    /// <summary>Its start time (UTC), as a lease row records it.</summary>
    public DateTimeOffset Started
    {
        get
        {
            using var p = Process.GetProcessById(Pid);
            return new DateTimeOffset(p.StartTime.ToUniversalTime(), TimeSpan.Zero);
        }
    }

    public static ZombieProcess Start()
    {
        var info = new ProcessStartInfo("sh") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("sleep 0.1 & echo $!; exec sleep 30");
        var parent = Process.Start(info)!;
        try
        {
            var pid = int.Parse(parent.StandardOutput.ReadLine()!, CultureInfo.InvariantCulture);
            var zombie = new ZombieProcess(parent, pid);
            for (var i = 0; i < 100 && ProcessState.StateOf(File.ReadAllText($"/proc/{pid}/stat")) != 'Z'; i++) Thread.Sleep(50);
            Assert.Equal('Z', ProcessState.StateOf(File.ReadAllText($"/proc/{pid}/stat")));
            return zombie;
        }
        catch
        {
            parent.Kill();
            parent.WaitForExit();
            parent.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _parent.Kill();
        _parent.WaitForExit();
        _parent.Dispose();
    }
}
