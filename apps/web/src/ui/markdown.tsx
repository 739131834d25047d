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
          // A task list's (read-only) boxes say what they show; a code block that scrolls sideways takes focus to be scrolled by keyboard.
          input: ({ node: _node, ...props }) => (
            <input {...props} aria-label={props.type === 'checkbox' ? (props.checked ? 'Done' : 'Not done') : undefined} />
          ),
          pre: ({ node: _node, ...props }) => <pre {...props} tabIndex={0} />,
        }}
      >
        {children}
      </ReactMarkdown>
    </div>
  );
}

export default Markdown;
