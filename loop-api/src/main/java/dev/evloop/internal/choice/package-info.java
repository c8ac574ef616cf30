/**
 * Which backend a new loop gets: {@code -Dloop.backend}, else the on-host calibration that
 * {@code ./evloop calibrate} wrote when it matches this host, else the static ranks.
 *
 * <ul>
 *   <li>{@link dev.evloop.internal.choice.Backends}: the backends present, and the choice with its
 *       reason.</li>
 *   <li>{@link dev.evloop.internal.choice.Calibration}: the calibration file, written, read and
 *       checked against the host.</li>
 * </ul>
 */
package dev.evloop.internal.choice;
