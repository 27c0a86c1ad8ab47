namespace MuseumSync.Storage.Sqlite;

/// <summary>The SQLite batch session: valid records are packed (and hashed) as they are added, so the record objects die young.</summary>
internal sealed partial class SqliteSyncStore
{
    // One session's row arrays kept for the next, so a batch does not allocate (and grow) them again.
    private CompactRecords? _spareRows;

    private CompactRecords RentRows() => Interlocked.Exchange(ref _spareRows, null) ?? new CompactRecords(capacity: 1024);

    private void ReturnRows(CompactRecords rows)
    {
        rows.Reset();
        Interlocked.CompareExchange(ref _spareRows, rows, null);
    }

    private sealed class SqliteSyncSession(SqliteSyncStore store, string source) : SyncSession(source)
    {
        private CompactRecords? _rows;

        public override int RecordCount => _rows?.Count ?? 0;

        /// <summary>The packed records (empty until the first one is added).</summary>
        public CompactRecords Rows => _rows ??= store.RentRows();

        protected override void OnRecord(MuseumRecord record) => Rows.Add(record);

        protected override Task<BatchResult> CommitAsync(SessionCompletion completion, CancellationToken cancellationToken) =>
            store.CommitSessionAsync(this, completion, cancellationToken);

        // Committed or not, nothing reads the packed rows again (a batch that failed is fetched again by the next run).
        protected override void OnDiscard()
        {
            if (_rows is { } rows) store.ReturnRows(rows);
            _rows = null;
        }
    }
}
