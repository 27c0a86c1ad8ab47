using System.Reflection;
using System.Runtime.InteropServices;
using SQLitePCL;

namespace MuseumSync.Storage.Sqlite;

/// <summary>
/// Direct entry points into the native SQLite library that SQLitePCLRaw loaded, for the batch hot path: binding a
/// row's UTF-8 values without a copy (<c>SQLITE_STATIC</c>) and stepping without SQLitePCLRaw's provider interface and
/// SafeHandle marshalling per call. The library is resolved exactly as SQLitePCLRaw's own <c>DllImport("e_sqlite3")</c>
/// is (through its provider assembly, so the module's load context answers as it does for SQLitePCLRaw), and a
/// connection is only bound through these pointers once <see cref="IsSameLibrary"/> has shown that they are SQLitePCLRaw's
/// very copy of SQLite: a second copy in the process would not share its locks and state. Where the library
/// cannot be found this way, <see cref="Shared"/> is null and the store binds through SQLitePCLRaw as before.
/// </summary>
internal sealed unsafe class SqliteNative
{
    /// <summary><c>SQLITE_STATIC</c>: the caller keeps the bytes alive and unchanged while they are bound.</summary>
    private static readonly IntPtr Static = IntPtr.Zero;
    private const int ConfigMemStatus = 9; // SQLITE_CONFIG_MEMSTATUS
    private const int Misuse = 21;

    private static readonly Lazy<SqliteNative?> SharedApi = new(() => Load("e_sqlite3", typeof(SQLite3Provider_e_sqlite3).Assembly), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly object ConfigureGate = new();
    private static bool _configured;

    // The binds and the counters are short calls that never block on I/O: no GC transition. Step and reset do the work
    // (pages, WAL writes, locks), so they keep it.
    private readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int, byte*, int, IntPtr, int> _bindText;
    private readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int, byte*, int, IntPtr, int> _bindBlob;
    private readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int, long, int> _bindInt64;
    private readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int, int> _bindNull;
    private readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int> _changes;
    private readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, long> _lastInsertRowId;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, int> _step;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, int> _reset;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, int> _clearBindings;
    private readonly delegate* unmanaged[Cdecl]<byte*> _libVersion;

    private SqliteNative(IntPtr library)
    {
        _bindText = (delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int, byte*, int, IntPtr, int>)NativeLibrary.GetExport(library, "sqlite3_bind_text");
        _bindBlob = (delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int, byte*, int, IntPtr, int>)NativeLibrary.GetExport(library, "sqlite3_bind_blob");
        _bindInt64 = (delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int, long, int>)NativeLibrary.GetExport(library, "sqlite3_bind_int64");
        _bindNull = (delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int, int>)NativeLibrary.GetExport(library, "sqlite3_bind_null");
        _changes = (delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int>)NativeLibrary.GetExport(library, "sqlite3_changes");
        _lastInsertRowId = (delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, long>)NativeLibrary.GetExport(library, "sqlite3_last_insert_rowid");
        _step = (delegate* unmanaged[Cdecl]<IntPtr, int>)NativeLibrary.GetExport(library, "sqlite3_step");
        _reset = (delegate* unmanaged[Cdecl]<IntPtr, int>)NativeLibrary.GetExport(library, "sqlite3_reset");
        _clearBindings = (delegate* unmanaged[Cdecl]<IntPtr, int>)NativeLibrary.GetExport(library, "sqlite3_clear_bindings");
        _libVersion = (delegate* unmanaged[Cdecl]<byte*>)NativeLibrary.GetExport(library, "sqlite3_libversion");
    }

    /// <summary>The entry points of the library SQLitePCLRaw uses, or null when it cannot be resolved that way.</summary>
    public static SqliteNative? Shared => SharedApi.Value;

    /// <summary>
    /// Resolves <paramref name="libraryName"/> as a <c>DllImport</c> in <paramref name="importer"/> would; null when
    /// it cannot be loaded or lacks an entry point (a build of SQLite without them).
    /// </summary>
    internal static SqliteNative? Load(string libraryName, Assembly importer)
    {
        try
        {
            return NativeLibrary.TryLoad(libraryName, importer, searchPath: null, out var library) ? FromLibrary(library) : null;
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The entry points of a loaded library (tests load a second copy to see it refused).</summary>
    internal static SqliteNative FromLibrary(IntPtr library) => new(library);

    /// <summary>
    /// Turns off SQLite's memory statistics (<c>SQLITE_CONFIG_MEMSTATUS</c>) in the library SQLitePCLRaw calls, once,
    /// before the first connection opens: with them on, every allocation SQLite makes takes a library-wide mutex to count it. Only
    /// <c>sqlite3_memory_used()</c> and its kin stop counting. When SQLite is already initialised (something else in
    /// the process opened a database first), SQLite refuses with SQLITE_MISUSE and the setting stays as it is.
    /// <c>sqlite3_config</c> must not run beside other SQLite calls: a second store opening meanwhile waits here.
    /// </summary>
    public static void ConfigureProcess()
    {
        if (Volatile.Read(ref _configured)) return;
        lock (ConfigureGate)
        {
            if (_configured) return;
            try
            {
                TryDisableMemoryStatistics();
            }
            finally
            {
                Volatile.Write(ref _configured, true);
            }
        }
    }

    /// <summary>True when SQLite took the setting; false when it was initialised already (SQLITE_MISUSE), which leaves it as it was.</summary>
    internal static bool TryDisableMemoryStatistics()
    {
        Batteries_V2.Init(); // what Microsoft.Data.Sqlite does first: the provider SQLitePCLRaw calls through
        var rc = raw.sqlite3_config(ConfigMemStatus, 0);
        if (rc != 0 && rc != Misuse) Microsoft.Data.Sqlite.SqliteException.ThrowExceptionForRC(rc, null);
        return rc == 0;
    }

    /// <summary>
    /// True when these entry points are those of the copy of SQLite that SQLitePCLRaw calls: both return the same
    /// address for <c>sqlite3_libversion()</c>, a string in the library's own data (another copy has its own). Only
    /// the version call runs in the library checked, so a foreign copy is neither initialised nor handed a connection.
    /// </summary>
    public bool IsSameLibrary()
    {
        Batteries_V2.Init();
        var theirs = raw.sqlite3_libversion(); // a view of the native string, not a copy
        fixed (byte* p = theirs)
        {
            return p != null && p == _libVersion();
        }
    }

    public int BindStaticText(IntPtr stmt, int index, byte* utf8, int length) => _bindText(stmt, index, utf8, length, Static);

    public int BindStaticBlob(IntPtr stmt, int index, byte* bytes, int length) => _bindBlob(stmt, index, bytes, length, Static);

    public int BindInt64(IntPtr stmt, int index, long value) => _bindInt64(stmt, index, value);

    public int BindNull(IntPtr stmt, int index) => _bindNull(stmt, index);

    public int Step(IntPtr stmt) => _step(stmt);

    public int Reset(IntPtr stmt) => _reset(stmt);

    public int ClearBindings(IntPtr stmt) => _clearBindings(stmt);

    public int Changes(IntPtr db) => _changes(db);

    public long LastInsertRowId(IntPtr db) => _lastInsertRowId(db);
}
