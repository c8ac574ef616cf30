/**
 * The conformance kit: evloop's behaviour suite, which every backend runs by naming itself. Each
 * test class extends {@link dev.evloop.conformance.BackendTest}, which gives each test a fresh loop
 * on the backend that the {@code evloop.conformance.backend} system property names (skipped, with
 * the reason, when that backend cannot run on this host) and fails a class that leaked a Netty
 * buffer ({@link dev.evloop.conformance.LeakWatch}). The tests use only evloop's public API and the
 * backend SPI.
 *
 * <h2>Running it against a backend</h2>
 * Put the backend and this jar on the test class path, and let surefire scan the jar, once with the
 * JVM flags of fast task mode and once without {@code --add-opens} (fallback mode):
 *
 * <pre>{@code
 * <dependency>
 *   <groupId>dev.evloop</groupId>
 *   <artifactId>loop-conformance</artifactId>
 *   <scope>test</scope>
 * </dependency>
 * ...
 * <plugin>
 *   <artifactId>maven-surefire-plugin</artifactId>
 *   <configuration>
 *     <dependenciesToScan>dev.evloop:loop-conformance</dependenciesToScan>
 *     <includes><include>dev/evloop/conformance/**&#47;*Test.java</include></includes>
 *     <argLine>--add-opens java.base/java.lang=ALL-UNNAMED --enable-native-access=ALL-UNNAMED
 *              -Dio.netty.leakDetection.level=paranoid</argLine>
 *     <systemPropertyVariables>
 *       <evloop.conformance.backend>mybackend</evloop.conformance.backend>
 *       <evloop.conformance.mode>fast</evloop.conformance.mode>
 *     </systemPropertyVariables>
 *   </configuration>
 * </plugin>
 * }</pre>
 *
 * <p>This repository's backend modules run it the same way, through the {@code conformance-fast}
 * and {@code conformance-fallback} executions of the parent pom. A backend passes when the suite
 * passes in both modes.
 *
 * <h2>Helpers for tests</h2>
 * {@link dev.evloop.conformance.OpenFileDescriptors} (descriptor counts),
 * {@link dev.evloop.conformance.TestCertificates} (a CA and certificates for TLS),
 * {@link dev.evloop.conformance.LogCapture} (records of {@code System.Logger}),
 * {@link dev.evloop.conformance.TestNames} (test-only host names with known addresses),
 * {@link dev.evloop.conformance.ProcessSignals} (signals to this process),
 * {@link dev.evloop.conformance.SameIteration}.
 */
package dev.evloop.conformance;
