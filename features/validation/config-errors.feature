@validation @core
Feature: Bad configuration is reported where it is, and the rest keeps working
  A file that is not valid YAML, or a resource that breaks Istio's rules, is reported with its file
  and line; every other resource still applies.

  Background: the guide's service my-app, with pods of versions v1 and v2 and subsets v1, v2
    Given the fixture "guide/my-app-workloads.yaml"
    And the fixture "guide/my-app-dr.yaml"

  # Source: DESIGN.md (config: "shape errors carry file and line"; an invalid resource is rejected and the
  # rest of the configuration keeps working); issue #2.
  Scenario: A malformed YAML file is reported at its line, and the other files still route
    Given the configuration, which the mesh must reject in part:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: broken
      spec:
        hosts: [my-app]
      """
    And the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - route: [{destination: {host: my-app, subset: v2}}]
      """
    When a client sends GET "/" to "my-app"
    Then it is served by version "v2"
    And the file "scenario-3.yaml" is reported as broken at line 4 with "malformed YAML"
