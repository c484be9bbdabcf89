// A labelled group of radio buttons (fieldset + legend), each with an optional plain-language description.
import { useId } from 'react';

export interface RadioOption<V extends string> {
  value: V;
  label: string;
  description?: string;
  /** The language the label is written in, when it is not the UI's (language names). */
  lang?: string;
}

export function RadioGroup<V extends string>({
  legend,
  value,
  options,
  onChange,
}: {
  legend: string;
  value: V;
  options: RadioOption<V>[];
  onChange: (value: V) => void;
}) {
  const name = useId();
  return (
    <fieldset className="radio-group">
      <legend>{legend}</legend>
      {options.map((option) => {
        const id = `${name}-${option.value}`;
        // Only the label names the radio; the description is read as its description.
        return (
          <div key={option.value} className="radio">
            <input
              id={id}
              type="radio"
              name={name}
              value={option.value}
              checked={value === option.value}
              aria-describedby={option.description ? `${id}-desc` : undefined}
              onChange={() => onChange(option.value)}
            />
            <span className="radio-text">
              <label htmlFor={id} lang={option.lang}>
                {option.label}
              </label>
              {option.description ? (
                <span className="muted radio-description" id={`${id}-desc`}>
                  {option.description}
                </span>
              ) : null}
            </span>
          </div>
        );
      })}
    </fieldset>
  );
}
