namespace MuseumSync.Paging;

/// <summary>The format of a page body. <see cref="Auto"/> decides from the Content-Type and the first byte.</summary>
internal enum RecordFormat
{
    /// <summary>Newline-delimited JSON, a JSON array, a JSON envelope or XML, as the answer says.</summary>
    Auto,

    /// <summary>One JSON record per line (also when the server calls it application/json).</summary>
    Ndjson,

    /// <summary>A JSON array of records, or an envelope holding one (<c>{"data":[…],"pagination":{…}}</c>).</summary>
    Json,

    /// <summary>OAI-PMH XML.</summary>
    Xml,
}
