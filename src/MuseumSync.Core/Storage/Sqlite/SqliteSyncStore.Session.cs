namespace MuseumSync.Storage.Sqlite;

/// <summary>The SQLite batch session: valid records are packed (and hashed) as they are added, so the record objects die young.</summary>
public sealed partial class SqliteSyncStore
{
    private sealed class SqliteSyncSession(SqliteSyncStore store, string source) : SyncSession(source)
    {
        private CompactRecords? _rows;

        public override int RecordCount => _rows?.Count ?? 0;

        /// <summary>The packed records (empty until the first one is added).</summary>
        public CompactRecords Rows => _rows ??= new CompactRecords();

        protected override void OnRecord(MuseumRecord record) => Rows.Add(record);

        protected override Task<BatchResult> CommitAsync(SessionCompletion completion, CancellationToken cancellationToken) =>
            store.CommitSessionAsync(this, completion, cancellationToken);

        // Committed or not, nothing reads the packed rows again (a batch that failed is fetched again by the next run).
        protected override void OnDiscard() => _rows?.Release();
    }
}
