/*
 * stroom/xlsx.h: an Excel workbook (.xlsx, written with libxlsxwriter) of a run
 * or compare directory, built from the directory's files alone (series.csv,
 * budget.csv and manifest.json of a run; compare.csv and manifest.json of a
 * compare), so any caller that has the directory can make it. docs/xlsx.md says
 * what each sheet holds.
 */
#ifndef STROOM_XLSX_H
#define STROOM_XLSX_H

#include <stroom/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Whether xlsx_path may be written, checked before any work: 0, or STROOM_EINVAL
 * with a one-line detail when it exists ("'F' already exists; remove it or choose
 * another --xlsx"), does not end in .xlsx, or its directory is missing, not a
 * directory or not writable. Missing parent directories are not made.
 */
STROOM_API int stroom_xlsx_check_path(const char *xlsx_path);

/*
 * Writes the workbook of the run or compare directory dir (a run has series.csv,
 * a compare compare.csv) to xlsx_path, all or nothing: into a temporary file
 * beside it (.NAME.tmp-PID), synced, then renamed without replacing anything, so
 * an existing xlsx_path is never overwritten. Numbers are stored as numbers with
 * number formats, the first row of each table is frozen. Returns 0, or
 * STROOM_ENOTFOUND (a file of the directory is missing), STROOM_EPARSE (a file is
 * not what stroom writes: FILE:LINE:COL), STROOM_EINVAL (xlsx_path exists, or
 * more rows or columns than a sheet holds), STROOM_EIO (writing failed) or
 * STROOM_ENOMEM, with the detail set; the temporary file is then removed.
 */
STROOM_API int stroom_xlsx_from_dir(const char *dir, const char *xlsx_path);

#ifdef __cplusplus
}
#endif

#endif
