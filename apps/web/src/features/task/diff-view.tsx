// The rendered unified diff (loaded lazily with the diff panel's first
// render): one collapsible block per file, old/new line numbers, added and
// removed lines coloured. Long lines scroll inside their file, never the page.
import type { DiffFile, DiffLine } from './diff-parse';
import { parseUnifiedDiff } from './diff-parse';

const lineStyle: Record<DiffLine['kind'], string> = {
  context: 'bg-white',
  add: 'bg-green-50 text-green-900',
  del: 'bg-red-50 text-red-900',
  note: 'bg-white text-stone-500 italic',
};
const markOf: Record<DiffLine['kind'], string> = { context: ' ', add: '+', del: '-', note: '\\' };

function FileBlock({ file }: { file: DiffFile }) {
  return (
    <details open className="overflow-hidden rounded-md border border-stone-200" data-testid="diff-file">
      <summary className="cursor-pointer truncate bg-stone-100 px-3 py-1.5 font-mono text-xs text-stone-800">{file.path}</summary>
      {file.binary && <p className="px-3 py-2 text-xs text-stone-500">Binary file; no line changes to show.</p>}
      {!file.binary && file.hunks.length === 0 && (
        <p className="px-3 py-2 text-xs text-stone-500">No content changes (mode or type only).</p>
      )}
      {file.hunks.length > 0 && (
        <div className="overflow-x-auto" tabIndex={0} aria-label={`Changes in ${file.path}`} role="region">
          <table className="w-full border-collapse font-mono text-xs">
            {file.hunks.map((hunk, h) => (
              <tbody key={h}>
                <tr className="bg-sky-50 text-sky-800">
                  <td colSpan={3} className="px-3 py-1 whitespace-pre">
                    {hunk.header}
                  </td>
                </tr>
                {hunk.lines.map((line, i) => (
                  <tr key={i} className={lineStyle[line.kind]}>
                    <td className="w-10 select-none px-1 text-right text-stone-400">{line.oldNo ?? ''}</td>
                    <td className="w-10 select-none px-1 text-right text-stone-400">{line.newNo ?? ''}</td>
                    <td className="whitespace-pre px-2">
                      <span className="select-none text-stone-400">{markOf[line.kind]}</span>
                      {line.text}
                    </td>
                  </tr>
                ))}
              </tbody>
            ))}
          </table>
        </div>
      )}
    </details>
  );
}

export default function DiffView({ patch }: { patch: string }) {
  const files = parseUnifiedDiff(patch);
  return (
    <div className="flex flex-col gap-3">
      {files.map((f, i) => (
        <FileBlock key={`${f.path}-${i}`} file={f} />
      ))}
    </div>
  );
}
