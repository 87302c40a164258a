package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/store"
)

// versionRow is a version read for AssetChanges; its documents are
// decoded only if it is one of the two states compared.
type versionRow struct {
	id                                   int64
	uid, firstScan, hash                 string
	provider, account, region, typ, name string
	source                               string
	tags, config, relations, errs        sql.NullString
	firstSeen                            sql.NullInt64
	deletedBy                            sql.NullString
}

func (v *versionRow) asset() (*asset.Asset, error) {
	a := &asset.Asset{UID: v.uid, Provider: v.provider, Account: v.account, Region: v.region, Type: v.typ, Name: v.name,
		Hash: v.hash, CollectedAt: goTime(v.firstSeen)}
	if err := decodeAssetDocs(a, v.source, v.tags, v.config, v.relations, v.errs); err != nil {
		return nil, err
	}
	return a, nil
}

// AssetChanges implements store.Store.
func (s *Store) AssetChanges(ctx context.Context, from, to string) ([]store.AssetChange, error) {
	if to == "" {
		return nil, errors.New("asset changes: empty scan ID")
	}
	if from > to {
		return nil, fmt.Errorf("asset changes: scan %s is newer than scan %s", from, to)
	}
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("asset changes: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	// The assets with a version or a deletion between the two scans; the
	// others are the same as of both.
	rows, err := tx.QueryContext(ctx, `SELECT uid FROM asset_versions WHERE first_scan_id > ?1 AND first_scan_id <= ?2
UNION SELECT uid FROM asset_deletions WHERE scan_id > ?1 AND scan_id <= ?2
ORDER BY 1`, from, to)
	if err != nil {
		return nil, fmt.Errorf("asset changes: %w", err)
	}
	var touched []string
	for rows.Next() {
		var uid string
		if err := rows.Scan(&uid); err != nil {
			rows.Close()
			return nil, fmt.Errorf("asset changes: %w", err)
		}
		touched = append(touched, uid)
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("asset changes: %w", err)
	}
	var out []store.AssetChange
	for start := 0; start < len(touched); start += prefetchChunk {
		chunk := touched[start:min(start+prefetchChunk, len(touched))]
		changes, err := assetChanges(ctx, tx, chunk, from, to)
		if err != nil {
			return nil, fmt.Errorf("asset changes: %w", err)
		}
		out = append(out, changes...)
	}
	return out, nil
}

// assetChanges compares the states of uids (sorted) as of scans from and
// to. A state as of scan S is the latest version first seen by S or an
// earlier scan, unless a scan up to S found it deleted.
func assetChanges(ctx context.Context, tx *sql.Tx, uids []string, from, to string) ([]store.AssetChange, error) {
	arr, err := json.Marshal(uids)
	if err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT v.id, v.uid, v.first_scan_id, v.hash, v.provider, v.account, v.region, v.type, v.name,
	v.source, v.tags, v.config, v.relations, v.errors, v.first_seen_at, d.scan_id
FROM asset_versions v LEFT JOIN asset_deletions d ON d.version_id = v.id
WHERE v.uid IN (SELECT value FROM json_each(?)) AND v.first_scan_id <= ?
ORDER BY v.uid, v.id`, string(arr), to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var (
		out      []store.AssetChange
		uid      string
		fromV    *versionRow // state as of from (nil: absent)
		toV      *versionRow
		haveRows bool
	)
	flush := func() error {
		if !haveRows {
			return nil
		}
		c := store.AssetChange{UID: uid}
		switch {
		case fromV == nil && toV == nil:
			return nil
		case fromV == nil:
			c.Kind = store.AssetAdded
		case toV == nil:
			c.Kind = store.AssetRemoved
		case fromV.hash == toV.hash:
			return nil // changed and changed back
		default:
			c.Kind = store.AssetChanged
		}
		var err error
		if fromV != nil {
			if c.From, err = fromV.asset(); err != nil {
				return err
			}
		}
		if toV != nil {
			if c.To, err = toV.asset(); err != nil {
				return err
			}
		}
		out = append(out, c)
		return nil
	}
	// presentAt is v as the state as of scan, or nil when deleted by then.
	presentAt := func(v *versionRow, scan string) *versionRow {
		if v == nil || v.deletedBy.Valid && v.deletedBy.String <= scan {
			return nil
		}
		return v
	}
	var latestFrom, latestTo *versionRow
	for rows.Next() {
		v := &versionRow{}
		if err := rows.Scan(&v.id, &v.uid, &v.firstScan, &v.hash, &v.provider, &v.account, &v.region, &v.typ, &v.name,
			&v.source, &v.tags, &v.config, &v.relations, &v.errs, &v.firstSeen, &v.deletedBy); err != nil {
			return nil, err
		}
		if !haveRows || v.uid != uid {
			fromV, toV = presentAt(latestFrom, from), presentAt(latestTo, to)
			if err := flush(); err != nil {
				return nil, err
			}
			uid, haveRows, latestFrom, latestTo = v.uid, true, nil, nil
		}
		// Versions come in order: the last one seen by a scan is its state.
		if from != "" && v.firstScan <= from {
			latestFrom = v
		}
		latestTo = v
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	fromV, toV = presentAt(latestFrom, from), presentAt(latestTo, to)
	if err := flush(); err != nil {
		return nil, err
	}
	return out, nil
}
