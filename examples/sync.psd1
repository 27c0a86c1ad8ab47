# A multi-source configuration for Invoke-MuseumSync -ConfigPath examples/sync.psd1 (and scheduled/run-sync.ps1).
# Each source's keys are parameter names of Invoke-MuseumPoll / Sync-MuseumRecord (Name is -Source). Secrets are
# never written here: a source names the environment variable that holds its key (ApiKeyVariable, ...), and a
# store password is named the same way (PasswordVariable). Relative paths are relative to this file.
@{
    # One store for every source: SQLite here. For SQL Server with Windows authentication:
    #   Store = @{ ConnectionString = 'Server=sql01;Database=MuseumSync;Integrated Security=true;Encrypt=true'; Provider = 'SqlServer'; Schema = 'museumsync' }
    # For PostgreSQL with a password from the environment:
    #   Store = @{ ConnectionString = 'Host=pg01;Database=museum'; Provider = 'PostgreSql'; UserName = 'museumsync'; PasswordVariable = 'MUSEUMSYNC_PG_PASSWORD' }
    Store       = @{
        Database = 'museum.db'
    }

    # Prometheus text-format metrics, rewritten while the sync runs (node_exporter's textfile collector can read it).
    MetricsPath = 'museumsync.prom'

    # Applied to every source unless the source sets the key itself.
    Defaults    = @{
        PageSize  = 500
        BatchSize = 5000
    }

    Sources     = @(
        # The Met: an id list, then one request per object. Its firewall blocks bursts, so stay well under 80/s.
        @{
            Name              = 'met'
            Profile           = 'Met'
            RequestsPerSecond = 20
        }

        # Art Institute of Chicago: public, no key.
        @{
            Name    = 'aic'
            Profile = 'ArtInstituteOfChicago'
        }

        # Cooper Hewitt: the access token comes from $env:COOPERHEWITT_ACCESS_TOKEN, never from this file.
        @{
            Name           = 'cooperhewitt'
            Profile        = 'CooperHewitt'
            ApiKeyVariable = 'COOPERHEWITT_ACCESS_TOKEN'
        }

        # A local or in-house feed (the sample API: dotnet run --project examples/SampleApi -- --port 5000).
        @{
            Name      = 'local'
            Uri       = 'http://127.0.0.1:5000/objects'
            PageSize  = 1000
            BatchSize = 1000
        }
    )
}
