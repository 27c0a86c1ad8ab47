using System.Globalization;

namespace MuseumSync;

/// <summary>
/// One partition of an ID fan-out, written <c>2/8</c> (the second of eight). Each partition is leased on its own, so
/// eight workers on several servers can split one source without two of them taking the same share.
/// </summary>
internal readonly record struct SyncPartition : ISpanParsable<SyncPartition>
{
    /// <summary>The most partitions a source can be split into.</summary>
    public const int MaxCount = 4096;

    /// <summary>Creates the partition <paramref name="index"/> of <paramref name="count"/> (1-based).</summary>
    public SyncPartition(int index, int count)
    {
        if (count is < 1 or > MaxCount) throw new ArgumentOutOfRangeException(nameof(count), count, $"Use 1 to {MaxCount} partitions.");
        if (index < 1 || index > count) throw new ArgumentOutOfRangeException(nameof(index), index, $"The partition number must be from 1 to {count}.");
        Index = index;
        Count = count;
    }

    /// <summary>The partition number, 1-based.</summary>
    public int Index { get; }

    /// <summary>How many partitions there are.</summary>
    public int Count { get; }

    /// <summary>Parses <c>N/M</c> (for example <c>2/8</c>).</summary>
    public static SyncPartition Parse(string s) => Parse(s, CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public static SyncPartition Parse(string s, IFormatProvider? provider)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan(), provider);
    }

    /// <inheritdoc />
    public static SyncPartition Parse(ReadOnlySpan<char> s, IFormatProvider? provider) =>
        TryParse(s, provider, out var p) ? p : throw new FormatException($"'{s}' is not a partition: write N/M with 1 <= N <= M <= {MaxCount}, for example 2/8.");

    /// <inheritdoc />
    public static bool TryParse(string? s, IFormatProvider? provider, out SyncPartition result) => TryParse(s.AsSpan(), provider, out result);

    /// <inheritdoc />
    public static bool TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out SyncPartition result)
    {
        result = default;
        var slash = s.IndexOf('/');
        if (slash <= 0) return false;
        if (!int.TryParse(s[..slash].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var index)) return false;
        if (!int.TryParse(s[(slash + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var count)) return false;
        if (count is < 1 or > MaxCount || index < 1 || index > count) return false;
        result = new SyncPartition(index, count);
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}
