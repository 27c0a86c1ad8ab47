using MuseumSync.Mapping;
using MuseumSync.Storage;
using MuseumSync.Sync;

namespace MuseumSync.Core.Tests.Storage.Contract;

/// <summary>A payload that is not valid UTF-8 is dead-lettered with its bytes exactly as received, in every store, and replayed from them.</summary>
public abstract partial class StoreContractTests
{
    private static readonly RecordFactory s_factory = new(FieldMap.Generic);

    /// <summary>A record read from a line whose title holds <paramref name="bad"/>, a byte that is not UTF-8 on its own.</summary>
    private static (MuseumRecord Record, byte[] Bytes) InvalidUtf8(byte bad)
    {
        var bytes = "{\"ObjectID\":\"u1\",\"title\":\"Caf"u8.ToArray().Append(bad).Concat("\"}"u8.ToArray()).ToArray();
        var origin = new RecordOrigin("met", "c1", 1, 1, "https://api.example.org/objects", "corr", T1);
        return (s_factory.Create(bytes, origin, null, endOfPage: false), bytes);
    }

    [StoreFact]
    public async Task CommitBatch_DeadLetterOfInvalidUtf8_KeepsTheOriginalBytes()
    {
        var (record, bytes) = InvalidUtf8(0xFF);
        Assert.False(record.IsValid);

        Assert.Equal(1, (await CommitAsync(Batch(dead: [record], now: T1))).DeadLettered);

        var d = Assert.Single(await Store.GetDeadLettersAsync(new DeadLetterQuery(), CancellationToken.None));
        Assert.Equal(bytes, d.PayloadBytes);
        Assert.Contains("\uFFFD", d.Payload, StringComparison.Ordinal); // the text view shows what could not be decoded
    }

    [StoreFact]
    public async Task CommitBatch_PayloadsDifferingOnlyInInvalidBytes_TwoDeadLetters()
    {
        var result = await CommitAsync(Batch(dead: [InvalidUtf8(0xFF).Record, InvalidUtf8(0xFE).Record], now: T1));

        Assert.Equal(2, result.DeadLettered); // decoded, both would read "Caf\uFFFD"
        var letters = await Store.GetDeadLettersAsync(new DeadLetterQuery(), CancellationToken.None);
        Assert.Equal([0xFF, 0xFE], letters.Select(l => l.PayloadBytes![^3]).Order().Reverse());
    }

    [StoreFact]
    public async Task Replay_DeadLetterOfInvalidUtf8_ReadsTheOriginalBytesAndCountsTheSameRow()
    {
        var (record, bytes) = InvalidUtf8(0xC3);
        await CommitAsync(Batch(dead: [record], now: T1));
        var letter = Assert.Single(await Store.GetDeadLettersAsync(new DeadLetterQuery(), CancellationToken.None));

        var replayed = new DeadLetterReplay().Revalidate(letter);
        await CommitAsync(Batch(dead: [replayed], now: T2));

        var again = Assert.Single(await Store.GetDeadLettersAsync(new DeadLetterQuery(), CancellationToken.None));
        Assert.Equal(2, again.AttemptCount);
        Assert.Equal(bytes, again.PayloadBytes);
    }

    [StoreFact]
    public async Task CommitBatch_TextPayloadThatLooksLikeStoredBytes_ComesBackAsTheSameText()
    {
        var raw = DeadLetterPayload.BytesPrefix + "e30=";
        await CommitAsync(Batch(dead: [Bad("x", raw)], now: T1));

        var d = Assert.Single(await Store.GetDeadLettersAsync(new DeadLetterQuery(), CancellationToken.None));
        Assert.Equal(raw, d.Payload);
    }
}
