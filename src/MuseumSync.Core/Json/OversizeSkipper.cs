namespace MuseumSync.Json;

/// <summary>
/// Finds the end of a JSON object or array from its first byte on, across any number of chunks, holding nothing but
/// its place: the nesting depth and whether it is inside a string (and after a backslash there). It checks no syntax:
/// it only reads past an element too large to hold, which a parser never sees.
/// </summary>
internal struct OversizeSkipper
{
    private int _depth;
    private bool _inString;
    private bool _escaped;

    /// <summary>The index in <paramref name="chunk"/> of the byte that closes the element, or -1 when it goes on.</summary>
    public int Scan(ReadOnlySpan<byte> chunk)
    {
        for (var i = 0; i < chunk.Length; i++)
        {
            var b = chunk[i];
            if (_inString)
            {
                if (_escaped) _escaped = false;
                else if (b == (byte)'\\') _escaped = true;
                else if (b == (byte)'"') _inString = false;
                continue;
            }
            switch (b)
            {
                case (byte)'"':
                    _inString = true;
                    break;
                case (byte)'{' or (byte)'[':
                    _depth++;
                    break;
                case (byte)'}' or (byte)']':
                    if (--_depth == 0) return i;
                    break;
            }
        }
        return -1;
    }
}
