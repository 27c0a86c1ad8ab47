using System.Text;
using MuseumSync.Mapping;

namespace MuseumSync.Sync;

/// <summary>
/// Turns stored dead letters back into records, mapped and validated again by today's rules: after a mapping or rule
/// fix, piping <c>Get-SyncDeadLetter</c> into <c>Sync-MuseumRecord</c> commits the ones that pass now. JSON payloads
/// only (an OAI-PMH XML dead letter stays a dead letter; its attempt count goes up).
/// </summary>
internal sealed class DeadLetterReplay
{
    private readonly RecordFactory _factory;

    /// <summary>Re-validates with <paramref name="map"/>; the default is the generic profile's map.</summary>
    public DeadLetterReplay(FieldMap? map = null) => _factory = new RecordFactory(map ?? FieldMap.Generic);

    /// <summary>The dead letter's payload as a fresh record of its source (no page: replays never move a checkpoint).</summary>
    public MuseumRecord Revalidate(DeadLetter letter)
    {
        ArgumentNullException.ThrowIfNull(letter);
        var origin = new RecordOrigin(letter.Source, letter.Position, PageNumber: 0, LineNumber: 0, letter.SourceUrl, letter.CorrelationId, letter.LastSeen);
        return _factory.Create(letter.PayloadBytes ?? Encoding.UTF8.GetBytes(letter.Payload), origin, resumePosition: null, endOfPage: false);
    }
}
