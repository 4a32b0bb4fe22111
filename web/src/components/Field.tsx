// A labelled form field: the label wraps the control, so a click on it focuses the control and a screen reader
// announces the label with it.
import type { ComponentChildren } from 'preact';

interface InputProps {
  label: string;
  value: string;
  onValue: (value: string) => void;
  name?: string;
  type?: 'text' | 'number';
  inputMode?: 'decimal' | 'numeric';
  placeholder?: string;
  invalid?: boolean;
  min?: string;
  max?: string;
  step?: string;
  /** The id of a datalist offering values (the input still takes any text). */
  list?: string;
}

/** A labelled text or number input. */
export function Field({ label, value, onValue, type = 'text', invalid = false, ...rest }: InputProps) {
  const common = {
    ...rest,
    autoComplete: 'off',
    value,
    'aria-invalid': invalid,
    onInput: (e: { currentTarget: HTMLInputElement }) => onValue(e.currentTarget.value),
  };
  // Two literal types: Preact types an input's attributes by its `type`.
  return (
    <label>
      {label}
      {type === 'number' ? <input type="number" {...common} /> : <input type="text" {...common} />}
    </label>
  );
}

interface SelectProps {
  label: string;
  value: string;
  onValue: (value: string) => void;
  children: ComponentChildren;
}

/** A labelled select; its options are the children. */
export function SelectField({ label, value, onValue, children }: SelectProps) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onValue(e.currentTarget.value)}>
        {children}
      </select>
    </label>
  );
}
