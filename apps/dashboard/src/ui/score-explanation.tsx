import { Link } from 'react-router';
import type { metrics } from '@throughline/api-client';
import { COMPONENT_LABEL } from './band';
import { formatNumber, formatRatio, formatScore } from './format';

type ScoreView = metrics.ScoreView;
type Driver = metrics.ScoreDriverView;

/**
 * Why a score is what it is: every component's value, weight and contribution, then the items that
 * cost it the most points, each linked to where it can be acted on.
 */
export function ScoreExplanation({
  score,
  driverLink,
}: {
  score: ScoreView;
  driverLink?: (driver: Driver) => string | undefined;
}) {
  const link = driverLink ?? defaultDriverLink;
  return (
    <div className="components">
      <div className="table-scroll" tabIndex={0} role="region" aria-label="Table (scrolls sideways)">
        <table>
          <caption>Components</caption>
          <thead>
            <tr>
              <th scope="col">Component</th>
              <th scope="col" className="number">
                Value
              </th>
              <th scope="col" className="number">
                Weight
              </th>
              <th scope="col" className="number">
                Contribution
              </th>
              <th scope="col" className="why">
                Why
              </th>
            </tr>
          </thead>
          <tbody>
            {score.components.flatMap((component) => [
              <tr key={component.name}>
                <th scope="row">{COMPONENT_LABEL[component.name]}</th>
                <td className="number">
                  {component.value === null ? 'n/a' : formatScore(component.value)}
                  {component.value !== null && (
                    <div className="bar" aria-hidden="true">
                      <span style={{ width: `${Math.max(0, Math.min(100, component.value))}%` }} />
                    </div>
                  )}
                </td>
                <td className="number">{formatRatio(component.weight)}</td>
                <td className="number">{formatNumber(component.contribution, undefined, 1)}</td>
                <td className="why">{component.detail}</td>
              </tr>,
              // On a phone the reason gets a line of its own under the figures (CSS shows one of the two).
              <tr key={`${component.name}-why`} className="why-row">
                <td colSpan={4}>{component.detail}</td>
              </tr>,
            ])}
          </tbody>
        </table>
      </div>
      <h3>What moved it</h3>
      {score.drivers.length === 0 ? (
        <p className="meta">Nothing is costing this score points.</p>
      ) : (
        <ol className="drivers">
          {score.drivers.map((driver) => {
            const to = link(driver);
            return (
              <li key={`${driver.kind}-${driver.id}-${driver.component}`}>
                {to ? <Link to={to}>{driver.name}</Link> : <strong>{driver.name}</strong>}{' '}
                <span className="meta">
                  ({driver.kind.replace('_', ' ')}, {COMPONENT_LABEL[driver.component].toLowerCase()}: −
                  {formatNumber(driver.effect, undefined, 1)} points)
                </span>{' '}
                — {driver.detail}
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
}

function defaultDriverLink(driver: Driver): string | undefined {
  if (driver.kind === 'task') return `/tasks/${driver.id}`;
  if (driver.kind === 'manager') return `/managers#manager-${driver.id}`;
  return undefined;
}
