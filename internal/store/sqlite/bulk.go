package sqlite

import (
	"context"
	"database/sql"
	"strings"
)

// bulkRows bounds the rows of one multi-row statement; with the widest
// table (22 columns) that is 11,000 parameters, under SQLite's 32,766.
const bulkRows = 500

// bulkWrite runs head + "(?, ...), (?, ...)" + tail over n rows, a chunk
// of rows per statement: a handful of statements instead of one per row.
// pre are the values of the parameters in head, row appends the cols
// values of row i to dst.
func bulkWrite(ctx context.Context, tx *sql.Tx, pre []any, head string, cols int, tail string, n int, row func(i int, dst []any) []any) error {
	if n == 0 {
		return nil
	}
	var (
		full      *sql.Stmt
		args      = make([]any, 0, len(pre)+cols*min(n, bulkRows))
		one       = "(" + strings.Repeat("?, ", cols-1) + "?)"
		statement = func(rows int) string {
			var b strings.Builder
			b.Grow(len(head) + len(tail) + rows*(len(one)+2))
			b.WriteString(head)
			for i := range rows {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(one)
			}
			b.WriteString(tail)
			return b.String()
		}
	)
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	for start := 0; start < n; start += bulkRows {
		end := min(start+bulkRows, n)
		args = append(args[:0], pre...)
		for i := start; i < end; i++ {
			args = row(i, args)
		}
		var err error
		if end-start == bulkRows {
			if full == nil {
				if full, err = tx.PrepareContext(ctx, statement(bulkRows)); err != nil {
					return err
				}
			}
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, statement(end-start), args...)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
