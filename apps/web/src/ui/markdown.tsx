// Rendered markdown, sanitized: agent- and user-written documents may contain
// raw HTML, which is stripped to a safe subset (no scripts, no event handlers,
// no javascript: links). GitHub-flavoured tables and task lists are on.
import ReactMarkdown from 'react-markdown';
import rehypeSanitize from 'rehype-sanitize';
import remarkGfm from 'remark-gfm';

export function Markdown({ children, className = '' }: { children: string; className?: string }) {
  return (
    <div className={`prose-doc ${className}`}>
      <ReactMarkdown
        remarkPlugins={[remarkGfm]}
        rehypePlugins={[rehypeSanitize]}
        components={{
          a: ({ node: _node, ...props }) => <a {...props} target="_blank" rel="noreferrer noopener" />,
          // A code block wider than the page scrolls; keyboard users reach it with Tab.
          pre: ({ node: _node, ...props }) => <pre {...props} tabIndex={0} />,
          // A task list's box is read-only; it is named by its state (the item's text follows it).
          input: ({ node: _node, ...props }) =>
            props.type === 'checkbox' ? <input {...props} aria-label={props.checked ? 'Done' : 'Not done'} /> : <input {...props} />,
        }}
      >
        {children}
      </ReactMarkdown>
    </div>
  );
}

export default Markdown;
